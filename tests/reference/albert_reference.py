#!/usr/bin/python3
"""Independent PyTorch (float64) reference for ALBERT and its task heads.

    /usr/bin/python3 tests/reference/albert_reference.py --model DIR --fixtures F --out reference.json

DIR comes from make_tiny_albert.py. Written from modeling_albert.py (eval
mode, dropout inactive):
  embeddings   x = LN_E(word[ids] + pos[0..S-1] + type[tt])          (width E)
               x = encoder.embedding_hidden_mapping_in(x)             (E -> H)
  layers       for i < num_hidden_layers: group g = i // (L / num_hidden_groups)
               runs its inner_group_num AlbertLayers in turn:
                 a = LN(x + attention.dense(softmax(q k^T / sqrt(d) + mask) v))
                 x = full_layer_layer_norm(a + ffn_output(act(ffn(a))))
               act = ACT2FN[hidden_act] (gelu_new: tanh approximation)
  pooler       tanh(pooler(h[:, 0]))
  heads        seq-cls classifier(pooled); token-cls classifier(h);
               qa qa_outputs(h); mlm AlbertMLMHead:
               LN_E(act(predictions.dense(h))) @ word_embeddings^T + predictions.bias
Tokenization: Debian's python3-sentencepiece on sentencepiece's
test_model.model (the .model the tokenizer.json was converted from) after
AlbertTokenizer's preprocessing ('' and `` -> ", NFKD without combining
marks, lowercase), its ids moved to the converted vocabulary (<pad> <unk>
[CLS] [SEP] [MASK] replace the .model's first three pieces); "[MASK]" in a
text is the mask token with the spaces before it (lstrip); [CLS] A [SEP].

Output JSON as roberta_reference.py writes it (write_reference), with
model.executed_layers = num_hidden_layers * inner_group_num.
"""

import argparse
import json
import math
import os
import sys
import unicodedata

import numpy as np
import sentencepiece as spm
import torch

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from bert_reference import extended_mask, gelu, layer_norm, linear  # noqa: E402
from roberta_reference import TEXTS as ROBERTA_TEXTS, head_of, write_reference  # noqa: E402

# roberta_reference's texts with ALBERT's mask token, and AlbertConverter's
# quote replacements and collapsed spaces.
TEXTS = [t.replace("<mask>", "[MASK]") for t in ROBERTA_TEXTS]
TEXTS.insert(3, "He said ``I shall not go'' and   went home   anyway")
SPECIALS = ("<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]")


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


ACT = {"gelu": gelu, "gelu_new": gelu_new}


class AlbertSpm:
    def __init__(self, model_path, max_length):
        self.sp = spm.SentencePieceProcessor(model_file=model_path)
        self.max_length = max_length
        self.vocab = {t: i for i, t in enumerate(SPECIALS)}

    def to_id(self, spm_id):
        # The converted vocabulary: 5 specials, then the .model's pieces from 3 on.
        if spm_id == self.sp.unk_id():
            return self.vocab["<unk>"]
        assert spm_id >= 3, "control piece %d in text" % spm_id
        return spm_id - 3 + len(SPECIALS)

    def pieces(self, text):
        text = text.replace("``", '"').replace("''", '"')
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return [self.to_id(i) for i in self.sp.encode(text.lower())]

    def encode(self, text):
        body = []
        parts = text.split("[MASK]")
        for k, part in enumerate(parts):
            if k + 1 < len(parts):
                part = part.rstrip()  # lstrip: the mask takes the spaces before it
            body += self.pieces(part) if part.strip() else []
            if k + 1 < len(parts):
                body.append(self.vocab["[MASK]"])
        body = body[:self.max_length - 2]
        return [self.vocab["[CLS]"]] + body + [self.vocab["[SEP]"]]


def load(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    arrays = safetensors_io.read_file(os.path.join(model_dir, "model.safetensors"))[0]
    return cfg, {k: torch.from_numpy(v.astype(np.float64)) for k, v in arrays.items()}


def albert_layer(x, P, p, cfg, ext):
    B, S, H = x.shape
    n = cfg["num_attention_heads"]
    d, eps, act = H // n, cfg["layer_norm_eps"], ACT[cfg["hidden_act"]]

    def heads(t):
        return t.view(B, S, n, d).permute(0, 2, 1, 3)

    q, k, v = (heads(linear(x, P, p + "attention." + m)) for m in ("query", "key", "value"))
    probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + ext, dim=-1)
    ctx = (probs @ v).permute(0, 2, 1, 3).reshape(B, S, H)
    a = layer_norm(x + linear(ctx, P, p + "attention.dense"), P[p + "attention.LayerNorm.weight"],
                   P[p + "attention.LayerNorm.bias"], eps)
    f = linear(act(linear(a, P, p + "ffn")), P, p + "ffn_output")
    return layer_norm(f + a, P[p + "full_layer_layer_norm.weight"], P[p + "full_layer_layer_norm.bias"], eps)


def forward(cfg, P, prefix, ids, attention_mask):
    E = lambda n: P[prefix + n]  # noqa: E731
    B, S = ids.shape
    x = (E("embeddings.word_embeddings.weight")[ids] + E("embeddings.position_embeddings.weight")[torch.arange(S)]
         + E("embeddings.token_type_embeddings.weight")[torch.zeros_like(ids)])
    x = layer_norm(x, E("embeddings.LayerNorm.weight"), E("embeddings.LayerNorm.bias"), cfg["layer_norm_eps"])
    x = linear(x, P, prefix + "encoder.embedding_hidden_mapping_in")
    ext = extended_mask(attention_mask, torch.float64)
    L, G = cfg["num_hidden_layers"], cfg["num_hidden_groups"]
    for i in range(L):
        g = int(i / (L / G))
        for j in range(cfg["inner_group_num"]):
            x = albert_layer(x, P, prefix + "encoder.albert_layer_groups.%d.albert_layers.%d." % (g, j), cfg, ext)
    return x


def head_logits(cfg, P, prefix, head, h):
    if head == "seq-cls":
        return linear(torch.tanh(linear(h[:, 0], P, prefix + "pooler")), P, "classifier")
    if head == "token-cls":
        return linear(h, P, "classifier")
    if head == "qa":
        return linear(h, P, "qa_outputs")
    if head == "mlm":
        z = layer_norm(ACT[cfg["hidden_act"]](linear(h, P, "predictions.dense")),
                       P["predictions.LayerNorm.weight"], P["predictions.LayerNorm.bias"], cfg["layer_norm_eps"])
        return z @ P[prefix + "embeddings.word_embeddings.weight"].T + P["predictions.bias"]
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description="ALBERT reference outputs (float64)")
    ap.add_argument("--model", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    torch.set_grad_enabled(False)
    cfg, P = load(a.model)
    arch = cfg["architectures"][0]
    head = head_of(arch)
    prefix = next(p for p in ("albert.", "") if p + "embeddings.word_embeddings.weight" in P)
    max_len = cfg["max_position_embeddings"]
    tok = AlbertSpm(os.path.join(a.fixtures, "tokenizers/sentencepiece/test_model.model"), max_len)
    with open(os.path.join(a.model, "tokenizer.json"), encoding="utf-8") as f:
        converted = json.load(f)["model"]["vocab"]
    for piece_id in (len(SPECIALS), 100, 500, len(converted) - 1):  # the id mapping matches the converted vocab
        assert converted[piece_id][0] == tok.sp.id_to_piece(piece_id - len(SPECIALS) + 3)

    model = {"model_type": "albert", "architecture": arch, "tensor_prefix": prefix, "max_length": max_len,
             "reference_dtype": "float64", "executed_layers": cfg["num_hidden_layers"] * cfg["inner_group_num"]}
    write_reference(a.out, cfg, model, head, TEXTS, tok.encode, tok.vocab["<pad>"],
                    lambda ids, mask: forward(cfg, P, prefix, ids, mask),
                    lambda h: head_logits(cfg, P, prefix, head, h))


if __name__ == "__main__":
    main()
