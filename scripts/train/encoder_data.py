"""Tokenized language-ID data for the encoder: build/train-data/langid/*.tsv -> id tensors,
tokenized with tests/reference/bert_tokenizer.py (the tokenization the runtime reproduces),
cached in build/work/."""

import os
import random

import torch

import common  # noqa: F401  (puts tests/reference on sys.path)
from bert_tokenizer import BertTokenizerRef, load_vocab

LANGS = ["en", "de", "it", "es", "pl", "cs", "ru"]


def encode_split(path, vocab_path, max_len):
    tok = BertTokenizerRef(load_vocab(vocab_path), do_lower_case=True, max_length=max_len)
    cache = {}
    seqs, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            lang, text = line.rstrip("\n").split("\t", 1)
            pieces = []
            for w in tok.basic_tokenize(text[:1000]):
                if w not in cache:
                    cache[w] = [tok.vocab[p] for p in tok.wordpiece(w)]
                pieces += cache[w]
                if len(pieces) >= max_len - 2:
                    break
            ids = [tok.vocab["[CLS]"]] + pieces[:max_len - 2] + [tok.vocab["[SEP]"]]
            seqs.append(torch.tensor(ids, dtype=torch.int16))
            labels.append(LANGS.index(lang))
    return seqs, torch.tensor(labels)


def load(data_dir, vocab_path, work_dir, max_len, use_len, eval_docs):
    """Encoded splits (cached at max_len), cut to use_len tokens; valid/test reduced to a
    fixed seeded sample of eval_docs documents."""
    out = {}
    for split in ("train", "valid", "test"):
        cache = os.path.join(work_dir, "enc-%s-%d.pt" % (split, max_len))
        if not os.path.exists(cache):
            seqs, labels = encode_split(os.path.join(data_dir, "langid", split + ".tsv"),
                                        vocab_path, max_len)
            torch.save((seqs, labels), cache)
        seqs, labels = torch.load(cache)
        seqs = [s if len(s) <= use_len else torch.cat([s[:use_len - 1], s[-1:]]) for s in seqs]
        if split != "train" and len(seqs) > eval_docs:
            pick = torch.randperm(len(seqs), generator=torch.Generator().manual_seed(99))[:eval_docs]
            seqs, labels = [seqs[i] for i in pick], labels[pick]
        out[split] = (seqs, labels)
    return out


def pad(seqs):
    L = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), L, dtype=torch.long)
    attn = torch.zeros(len(seqs), L, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = s.long()
        attn[i, :len(s)] = 1
    return ids, attn


def mask_tokens(ids, attn, vocab_size, gen, mask_id=4, first_normal=5, p=0.15, eval_mode=False):
    """BERT masking of non-special tokens: 15% chosen; of those 80% -> [MASK], 10% random,
    10% unchanged (eval_mode: all chosen -> [MASK]).  Returns (inputs, targets with -100)."""
    special = ids < first_normal
    chosen = (torch.rand(ids.shape, generator=gen) < p) & ~special & (attn == 1)
    targets = torch.where(chosen, ids, torch.full_like(ids, -100))
    inputs = ids.clone()
    if eval_mode:
        inputs[chosen] = mask_id
        return inputs, targets
    r = torch.rand(ids.shape, generator=gen)
    inputs[chosen & (r < 0.8)] = mask_id
    rnd = chosen & (r >= 0.8) & (r < 0.9)
    inputs[rnd] = torch.randint(first_normal, vocab_size, ids.shape, generator=gen)[rnd]
    return inputs, targets


def batches(n, batch_size, gen):
    while True:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n - batch_size + 1, batch_size):
            yield perm[i:i + batch_size]


def eval_batches(seqs, labels, batch_size=128):
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))  # little padding
    for i in range(0, len(order), batch_size):
        idx = order[i:i + batch_size]
        yield [seqs[j] for j in idx], labels[idx]
