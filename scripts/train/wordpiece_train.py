"""Learn a WordPiece vocabulary (vocab.txt) from text -- our own learner.

Procedure (the one Hugging Face tokenizers' WordPieceTrainer uses):
  1. Pre-tokenize every line exactly as BERT's BasicTokenizer does (clean, CJK split,
     lowercase, strip accents, split punctuation) -- we reuse tests/reference/
     bert_tokenizer.py, our independent re-implementation, so the words the vocabulary is
     learned on are the words the runtime's tokenizer will see.
  2. Count words.  Start each word as its characters: the first as-is, the others with the
     continuation prefix "##".  The initial alphabet is every character seen at least
     --min-char-count times (rarer characters become [UNK] words at run time).
  3. Repeatedly merge the most frequent adjacent pair of symbols (ties: lexicographically
     smallest pair, so the result is deterministic) into one symbol ("##" dropped from the
     second half), until the vocabulary reaches --vocab-size.
Pair counts are kept incrementally with a lazy max-heap, so each merge only revisits the
words that contain the merged pair.

Output order: [PAD] [UNK] [CLS] [SEP] [MASK], then the alphabet, then merges in order.
"""

import argparse
import collections
import heapq
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../tests/reference"))
from bert_tokenizer import BertTokenizerRef  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def count_words(path, max_lines=None):
    tok = BertTokenizerRef({}, do_lower_case=True)
    counts = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if max_lines and i >= max_lines:
                break
            text = line.rstrip("\n").split("\t", 1)[-1]
            counts.update(tok.basic_tokenize(text))
    return counts


def learn(counts, vocab_size, min_char_count=5):
    char_counts = collections.Counter()
    for w, c in counts.items():
        for i, ch in enumerate(w):
            char_counts[ch if i == 0 else "##" + ch] += c
    alphabet = sorted(s for s, c in char_counts.items() if c >= min_char_count)
    known = set(alphabet)
    # words with an unknown character can never be tokenized, leave them out
    words, freqs = [], []
    for w, c in sorted(counts.items()):
        syms = [ch if i == 0 else "##" + ch for i, ch in enumerate(w)]
        if all(s in known for s in syms) and len(w) <= 100:
            words.append(syms)
            freqs.append(c)
    vocab = SPECIALS + alphabet
    seen = set(vocab)

    pair_count = collections.Counter()
    where = collections.defaultdict(set)
    for wi, syms in enumerate(words):
        for a, b in zip(syms, syms[1:]):
            pair_count[(a, b)] += freqs[wi]
            where[(a, b)].add(wi)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)

    while len(vocab) < vocab_size and heap:
        negc, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -negc or negc == 0:
            continue  # stale entry
        a, b = pair
        new = a + (b[2:] if b.startswith("##") else b)
        if new not in seen:
            vocab.append(new)
            seen.add(new)
        changed = set()
        for wi in where.pop(pair, ()):
            syms, c = words[wi], freqs[wi]
            for x, y in zip(syms, syms[1:]):
                pair_count[(x, y)] -= c
                changed.add((x, y))
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                    out.append(new)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            words[wi] = out
            for x, y in zip(out, out[1:]):
                pair_count[(x, y)] += c
                where[(x, y)].add(wi)
                changed.add((x, y))
        pair_count.pop(pair, None)
        for p in changed:
            c = pair_count.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
            else:
                pair_count.pop(p, None)
    return vocab


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default="build/train-data/all-text.txt")
    ap.add_argument("--out", required=True, help="vocab.txt to write")
    ap.add_argument("--vocab-size", type=int, default=6000)
    ap.add_argument("--min-char-count", type=int, default=5)
    args = ap.parse_args()
    counts = count_words(args.input)
    print("distinct words: %d" % len(counts))
    vocab = learn(counts, args.vocab_size, args.min_char_count)
    assert len(vocab) == len(set(vocab))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.writelines(t + "\n" for t in vocab)
    print("wrote %s: %d tokens" % (args.out, len(vocab)))


if __name__ == "__main__":
    main()
