#!/usr/bin/env python3
"""Writes Hugging Face tokenizer.json files for the tokenizer tests.

* gpt2/tokenizer.json from GPT-2's encoder.json + vocab.bpe, laid out as
  transformers' GPT2Converter writes it (the file on the Hub for "gpt2").
* bert-base-uncased/tokenizer.json from vocab.txt, as BertConverter writes it.
* Generated tokenizers that exercise the other components, each with a
  small vocabulary and merges trained here by a plain BPE / frequency count
  on a fixed corpus (deterministic; no randomness):
  - llama3-style: Split with Llama 3's regex + ByteLevel(use_regex=false),
    ignore_merges, TemplateProcessing with <|begin_of_text|>, ByteLevel decoder.
  - components: NFKC / Replace / Lowercase / Strip normalizers, WhitespaceSplit /
    Punctuation / Digits pre-tokenizers, WordPiece, TemplateProcessing with
    pairs, added tokens with lstrip / rstrip / single_word.
  - metaspace-bpe: the Llama 2 tokenizer.json layout (Prepend + Replace
    normalizers, BPE with byte_fallback, Replace/ByteFallback/Fuse/Strip decoders).
  - whitespace-bpe: Whitespace pre-tokenizer, BPE with end_of_word_suffix,
    NFD + StripAccents, RobertaProcessing.

Usage: make_tokenizer_json.py --fixtures ../shared/fixtures --out build/testdata/tokenizers
"""
import argparse
import collections
import json
import os
import re


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)


def added(id_, content, special=True, normalized=None, lstrip=False, rstrip=False, single_word=False):
    return {"id": id_, "content": content, "single_word": single_word, "lstrip": lstrip,
            "rstrip": rstrip, "normalized": (not special) if normalized is None else normalized,
            "special": special}


def bytes_to_unicode():
    # GPT-2's reversible byte -> printable character table.
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0x100))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}


def gpt2(fixtures):
    d = os.path.join(fixtures, "tokenizers", "gpt2")
    with open(os.path.join(d, "encoder.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(d, "vocab.bpe"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    merges = [l for l in lines[1:] if l]  # line 0 is "#version: 0.2"
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(vocab["<|endoftext|>"], "<|endoftext|>", special=True, normalized=True)],
        "normalizer": None,
        "pre_tokenizer": dict(BYTE_LEVEL),
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": False, "vocab": vocab, "merges": merges},
    }


def template(single, pair, specials):
    def item(x):
        name, type_id = x
        if name in ("A", "B"):
            return {"Sequence": {"id": name, "type_id": type_id}}
        return {"SpecialToken": {"id": name, "type_id": type_id}}
    return {"type": "TemplateProcessing", "single": [item(x) for x in single],
            "pair": [item(x) for x in pair],
            "special_tokens": {name: {"id": name, "ids": [i], "tokens": [name]} for name, i in specials}}


def bert(fixtures):
    with open(os.path.join(fixtures, "tokenizers", "bert-base-uncased", "vocab.txt"), encoding="utf-8") as f:
        tokens = f.read().split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    vocab = {}
    for i, t in enumerate(tokens):
        vocab[t] = i
    specials = [t for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]") if t in vocab]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(vocab[t], t) for t in specials],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": template([("[CLS]", 0), ("A", 0), ("[SEP]", 0)],
                                   [("[CLS]", 0), ("A", 0), ("[SEP]", 0), ("B", 1), ("[SEP]", 1)],
                                   [("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]),
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


# A fixed training corpus: prose, code and numbers.
CORPUS = """
The quick brown fox jumps over the lazy dog. It's a sunny day, isn't it? We'll see what they've done.
Tokenizers split text into pieces; models read the pieces as numbers. Hello world! Hello again, world.
def encode(text, pair=None):\n    return self.tokenizer.encode(text, pair)\n
for (int i = 0; i < n; ++i) { total += values[i] * 2; }
In 2024 there were 1,234,567 downloads and 3.14159 percent growth over 365 days.
Running, jumped, happily, information, tokenization, understanding, international, beautiful.
The the the and and of of to to in in is is that that for for with with on on as as
""" * 3


def train_bpe(words, n_merges):
    """Plain BPE on a word-frequency table (tuples of symbols)."""
    vocab = collections.Counter(words)
    merges = []
    for _ in range(n_merges):
        pairs = collections.Counter()
        for w, c in vocab.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        new_vocab = collections.Counter()
        for w, c in vocab.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_vocab[tuple(out)] += c
        vocab = new_vocab
    return merges


LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def llama3_style():
    b2u = bytes_to_unicode()
    # Rough pre-split for training only (the runtime split is the regex above).
    words = [tuple(b2u[b] for b in w.encode("utf-8")) for w in re.findall(r" ?\w+| ?[^\w\s]+|\s+", CORPUS)]
    merges = train_bpe(words, 300)
    vocab = {}
    for b in range(256):
        vocab[b2u[b]] = len(vocab)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    n = len(vocab)
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(n + i, t) for i, t in enumerate(specials)],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_REGEX}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "Sequence", "processors": [
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            template([("<|begin_of_text|>", 0), ("A", 0)],
                     [("<|begin_of_text|>", 0), ("A", 0), ("<|begin_of_text|>", 1), ("B", 1)],
                     [("<|begin_of_text|>", n)])]},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": True, "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }


def components():
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {t: i for i, t in enumerate(specials)}
    chars = sorted(set(CORPUS.lower()) - set(" \n\t"))
    for c in chars + [chr(c) for c in range(ord("a"), ord("z") + 1)] + list("0123456789"):
        for t in (c, "##" + c):
            if t not in vocab:
                vocab[t] = len(vocab)
    counts = collections.Counter(re.findall(r"[a-z]+", CORPUS.lower()))
    for w, _ in counts.most_common(60):
        if w not in vocab:
            vocab[w] = len(vocab)
    for suffix in ("ing", "ed", "ly", "tion", "s", "er", "est", "ize", "ation"):
        if "##" + suffix not in vocab:
            vocab["##" + suffix] = len(vocab)
    n = len(vocab)
    extra = [added(n, "<mask>", special=True, lstrip=True),
             added(n + 1, "<sep/>", special=True, rstrip=True),
             added(n + 2, "[[sw]]", special=False, single_word=True),
             added(n + 3, "fancy_word", special=False)]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(vocab[t], t) for t in specials] + extra,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFKC"},
            {"type": "Replace", "pattern": {"String": "``"}, "content": "\""},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            {"type": "Lowercase"},
            {"type": "Strip", "strip_left": True, "strip_right": True}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "WhitespaceSplit"},
            {"type": "Punctuation", "behavior": "Contiguous"},
            {"type": "Digits", "individual_digits": True}]},
        "post_processor": template([("[CLS]", 0), ("A", 0), ("[SEP]", 0)],
                                   [("[CLS]", 0), ("A", 0), ("[SEP]", 0), ("B", 1), ("[SEP]", 1)],
                                   [("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]),
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": False},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


def metaspace_bpe():
    words = [tuple("\u2581" + w) for w in CORPUS.split()]
    merges = train_bpe(words, 200)
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    for c in sorted(set("".join("".join(w) for w in words))):
        if c not in vocab:
            vocab[c] = len(vocab)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": template([("<s>", 0), ("A", 0)], [("<s>", 0), ("A", 0), ("<s>", 1), ("B", 1)],
                                   [("<s>", 1)]),
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True,
                  "ignore_merges": False, "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }


def whitespace_bpe():
    words = [tuple(w[:-1]) + (w[-1] + "</w>",) for w in re.findall(r"\w+|[^\w\s]+", CORPUS.lower())]
    merges = train_bpe(words, 200)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for w in words:
        for c in w:
            if c not in vocab:
                vocab[c] = len(vocab)
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":
        for t in (c, c + "</w>"):
            if t not in vocab:
                vocab[t] = len(vocab)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(vocab[t], t) for t in ("<s>", "<pad>", "</s>", "<unk>")],
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"},
                                                            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "BPEDecoder", "suffix": "</w>"},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": False, "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if os.path.isdir(os.path.join(args.fixtures, "tokenizers", "gpt2")):
        write(os.path.join(args.out, "gpt2", "tokenizer.json"), gpt2(args.fixtures))
    if os.path.isdir(os.path.join(args.fixtures, "tokenizers", "bert-base-uncased")):
        write(os.path.join(args.out, "bert-base-uncased", "tokenizer.json"), bert(args.fixtures))
    write(os.path.join(args.out, "llama3-style", "tokenizer.json"), llama3_style())
    write(os.path.join(args.out, "components", "tokenizer.json"), components())
    write(os.path.join(args.out, "metaspace-bpe", "tokenizer.json"), metaspace_bpe())
    write(os.path.join(args.out, "whitespace-bpe", "tokenizer.json"), whitespace_bpe())


if __name__ == "__main__":
    main()
