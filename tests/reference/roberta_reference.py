#!/usr/bin/python3
"""Independent PyTorch (float64) reference for RoBERTa / XLM-R and the ELECTRA
discriminator, with their task heads.

    /usr/bin/python3 tests/reference/roberta_reference.py --model DIR --out reference.json

DIR comes from make_tiny_roberta.py (model.safetensors or sharded via
model.safetensors.index.json).  Written from modeling_roberta.py /
modeling_electra.py (eval mode, dropout inactive):
  RoBERTa embeddings  position_ids = create_position_ids_from_input_ids:
                      cumsum(ids != pad) * (ids != pad) + pad
                      x = LN(word[ids] + pos[position_ids] + type[0])
  ELECTRA embeddings  x = embeddings_project(LN(word[ids] + pos[0..S-1] + type[tt]))
                      (embedding_size -> hidden_size)
  layers              BertLayer (post-LN, erf GELU), as bert_reference.py
  RobertaClassificationHead   out_proj(tanh(dense(h[:, 0])))
  ElectraClassificationHead   out_proj(gelu(dense(h[:, 0])))
  *ForTokenClassification     classifier(h);  *ForQuestionAnswering qa_outputs(h)
  RobertaLMHead               LN(gelu(dense(h))) @ word_embeddings^T + lm_head.bias
Tokenization: byte-level BPE from tokenizer.json re-implemented here
(GPT-2's pre-tokenizer regex with Python's Unicode classes, byte -> unicode
table, merges by rank; <mask> with lstrip; <s> A </s>), or the BERT WordPiece
of bert_tokenizer.py for vocab.txt models.

Output JSON: {"model": {...}, "head", "labels", "cases": [{text, input_ids,
last_hidden_state (flat [seq, H]), logits (flat [seq or 1, outputs]) or null}],
"batch": {texts, input_ids (right-padded with the pad id), attention_mask,
shape [B, L, H], last_hidden_state (flat, padded rows included)}}.
"""

import argparse
import json
import os
import re
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from bert_reference import encoder_layer, extended_mask, gelu, layer_norm, linear, floats  # noqa: E402
from bert_tokenizer import BertTokenizerRef  # noqa: E402
from make_tokenizer_json import bytes_to_unicode  # noqa: E402

TEXTS = [
    "The cat sat on the mat.",
    "Hello, world! It's a sunny day, isn't it? We'll see what they've done.",
    "Tokenizers split text into pieces; models read them as numbers: 1234567 and 3.14",
    "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 costs 5\u20ac",
    "",
    "the quick brown fox <mask> over the lazy dog",
    " ".join(("the quick brown fox jumps over the lazy dog while my old family cat sat "
              "on the red mat near the open door of our little house by the river").split() * 8),
]
BATCH_TEXTS = ["The cat sat on the mat.", "hello world", "Running, jumped, happily!"]

# GPT-2's pre-tokenizer: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
# with Python's classes: letters [^\W\d_], numbers \d, others [^\s\w] or "_".
PRE_TOKENIZE = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+")


class ByteLevelBpe:
    def __init__(self, tokenizer_json, max_length):
        model = tokenizer_json["model"]
        self.vocab = model["vocab"]
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.b2u = bytes_to_unicode()
        self.max_length = max_length
        self.mask = "<mask>"

    def bpe(self, word):
        parts = list(word)
        while len(parts) > 1:
            pairs = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            rank, i = min(pairs)
            if rank == 1 << 30:
                break
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
        return [self.vocab[p] for p in parts]

    def tokenize(self, text):
        ids = []
        pieces = text.split(self.mask)
        for n, piece in enumerate(pieces):
            if n + 1 < len(pieces):
                piece = piece.rstrip()  # <mask> has lstrip: it takes the spaces before it
            for w in PRE_TOKENIZE.findall(piece):
                ids.extend(self.bpe("".join(self.b2u[b] for b in w.encode("utf-8"))))
            if n + 1 < len(pieces):
                ids.append(self.vocab[self.mask])
        return ids

    def encode(self, text):
        body = self.tokenize(text)[:self.max_length - 2]
        return [self.vocab["<s>"]] + body + [self.vocab["</s>"]]


def load(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    index = os.path.join(model_dir, "model.safetensors.index.json")
    arrays = {}
    if os.path.exists(index):
        with open(index, encoding="utf-8") as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    for name in files:
        arrays.update(safetensors_io.read_file(os.path.join(model_dir, name))[0])
    params = {k: torch.from_numpy(v.astype(np.float64)) for k, v in arrays.items()}
    return cfg, params


def forward(cfg, P, prefix, ids, attention_mask):
    electra = cfg["model_type"] == "electra"
    E = lambda n: P[prefix + n]  # noqa: E731
    B, S = ids.shape
    pad = cfg["pad_token_id"]
    if electra:
        pos = torch.arange(S)[None].expand(B, S)
    else:
        m = (ids != pad).long()
        pos = torch.cumsum(m, dim=1) * m + pad
    x = (E("embeddings.word_embeddings.weight")[ids] + E("embeddings.position_embeddings.weight")[pos]
         + E("embeddings.token_type_embeddings.weight")[torch.zeros_like(ids)])
    x = layer_norm(x, E("embeddings.LayerNorm.weight"), E("embeddings.LayerNorm.bias"), cfg["layer_norm_eps"])
    if electra:
        x = x @ E("embeddings_project.weight").T + E("embeddings_project.bias")
    layer_params = {k[len(prefix):]: v for k, v in P.items() if k.startswith(prefix + "encoder.")}
    ext = extended_mask(attention_mask, torch.float64)
    for i in range(cfg["num_hidden_layers"]):
        x = encoder_layer(x, layer_params, i, cfg, ext)
    return x


def head_logits(cfg, P, head, h):
    if head == "seq-cls":
        z = linear(h[:, 0], P, "classifier.dense")
        z = gelu(z) if cfg["model_type"] == "electra" else torch.tanh(z)
        return linear(z, P, "classifier.out_proj")
    if head == "token-cls":
        return linear(h, P, "classifier")
    if head == "qa":
        return linear(h, P, "qa_outputs")
    if head == "mlm":
        z = layer_norm(gelu(linear(h, P, "lm_head.dense")), P["lm_head.layer_norm.weight"],
                       P["lm_head.layer_norm.bias"], cfg["layer_norm_eps"])
        return z @ P["roberta.embeddings.word_embeddings.weight"].T + P["lm_head.bias"]
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description="RoBERTa / ELECTRA reference outputs (float64)")
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    torch.set_grad_enabled(False)
    cfg, P = load(a.model)
    electra = cfg["model_type"] == "electra"
    arch = cfg["architectures"][0]
    head = head_of(arch)
    prefix = next(p for p in ("roberta.", "electra.", "") if p + "embeddings.word_embeddings.weight" in P)
    max_len = cfg["max_position_embeddings"] - (0 if electra else cfg["pad_token_id"] + 1)
    if electra:
        tok = BertTokenizerRef.from_dir(a.model, max_len)
        encode, pad_id = (lambda t: tok.encode(t)["input_ids"]), tok.vocab["[PAD]"]
    else:
        with open(os.path.join(a.model, "tokenizer.json"), encoding="utf-8") as f:
            bpe = ByteLevelBpe(json.load(f), max_len)
        encode, pad_id = bpe.encode, bpe.vocab["<pad>"]

    model = {"model_type": cfg["model_type"], "architecture": arch, "tensor_prefix": prefix,
             "max_length": max_len, "reference_dtype": "float64"}
    write_reference(a.out, cfg, model, head, TEXTS, encode, pad_id,
                    lambda ids, mask: forward(cfg, P, prefix, ids, mask),
                    lambda h: head_logits(cfg, P, head, h))


def head_of(architecture):
    """base / seq-cls / token-cls / qa / mlm from config.json's architectures[0]."""
    a = architecture
    return ("seq-cls" if a.endswith("SequenceClassification") else
            "token-cls" if a.endswith("TokenClassification") else
            "qa" if a.endswith("QuestionAnswering") else "mlm" if a.endswith("MaskedLM") else "base")


def write_reference(out_path, cfg, model, head, texts, encode, pad_id, run, logits_of):
    """Runs each text alone and BATCH_TEXTS right-padded with pad_id through
    run(ids, attention_mask) -> hidden states (logits_of(h) for the head, None
    without one) and writes the reference JSON."""
    max_len = model["max_length"]
    cases = []
    for text in texts:
        ids = encode(text)
        t = torch.tensor([ids])
        h = run(t, torch.ones_like(t))
        logits = logits_of(h)
        cases.append({"text": text, "input_ids": ids, "shape": list(h.shape[1:]),
                      "last_hidden_state": floats(h[0]),
                      "logits": floats(logits[0]) if logits is not None else None})
    assert len(cases[-1]["input_ids"]) == max_len, "the long text was not truncated"

    rows = [encode(t) for t in BATCH_TEXTS]
    L = max(len(r) for r in rows)
    bids = torch.tensor([r + [pad_id] * (L - len(r)) for r in rows])
    bam = torch.tensor([[1] * len(r) + [0] * (L - len(r)) for r in rows])
    bh = run(bids, bam)
    for b, r in enumerate(rows):  # padding must not move the real tokens' positions
        single = run(torch.tensor([r]), torch.ones(1, len(r), dtype=torch.long))
        assert (bh[b, :len(r)] - single[0]).abs().max() < 1e-9

    out = {"model": model, "head": head,
           "labels": [cfg["id2label"][str(i)] for i in range(len(cfg.get("id2label", {})))],
           "cases": cases,
           "batch": {"texts": BATCH_TEXTS, "input_ids": bids.tolist(), "attention_mask": bam.tolist(),
                     "shape": list(bh.shape), "last_hidden_state": floats(bh)}}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
        f.write("\n")
    print("%s %s: %d cases, seq lens %s" % (cfg["model_type"], head, len(cases),
                                            [len(c["input_ids"]) for c in cases]))


if __name__ == "__main__":
    main()
