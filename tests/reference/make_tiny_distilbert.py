#!/usr/bin/env python3
"""Write a seeded, random, tiny DistilBERT in real Hugging Face layout (numpy only).

    make_tiny_distilbert.py --out DIR [--seed 0] [--dim 64] [--layers 2] [--heads 4]
                            [--hidden-dim 128] [--max-pos 128]
                            [--dtype F32|F16|BF16] [--prefix distilbert.]

DIR receives config.json (a DistilBertModel config: dim / n_layers / n_heads /
hidden_dim / activation ...), model.safetensors, vocab.txt (the same vocab as
make_tiny_bert.py) and tokenizer_config.json (DistilBertTokenizer).  Same
arguments -> byte-identical files.

Tensor names are modeling_distilbert.py's, behind --prefix (default
"distilbert.", as DistilBertForMaskedLM / ForSequenceClassification
checkpoints store them; --prefix '' gives bare DistilBertModel names):
    embeddings.word_embeddings.weight          [vocab, dim]
    embeddings.position_embeddings.weight      [max_pos, dim]
    embeddings.LayerNorm.{weight,bias}         [dim]
    transformer.layer.{i}.attention.{q,k,v,out}_lin.{weight [dim, dim], bias [dim]}
    transformer.layer.{i}.sa_layer_norm.{weight,bias}
    transformer.layer.{i}.ffn.lin1.{weight [hidden_dim, dim], bias [hidden_dim]}
    transformer.layer.{i}.ffn.lin2.{weight [dim, hidden_dim], bias [dim]}
    transformer.layer.{i}.output_layer_norm.{weight,bias}
No token-type embeddings, no pooler (DistilBERT has neither).

Weight scales as make_tiny_bert.py: matrices N(0, 0.2^2), LayerNorm gammas
1 + 0.1*N(0,1), biases and LayerNorm betas 0.1*N(0,1); drawn in float32 in
module order, so F16/BF16 files are roundings of the F32 model.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_tiny_bert import build_vocab  # noqa: E402

TORCH_DTYPE = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}


def distilbert_config(a, vocab_size):
    """config.json as transformers writes it for a DistilBertModel."""
    return {
        "activation": "gelu",
        "architectures": ["DistilBertModel"],
        "attention_dropout": 0.1,
        "dim": a.dim,
        "dropout": 0.1,
        "hidden_dim": a.hidden_dim,
        "initializer_range": 0.02,
        "max_position_embeddings": a.max_pos,
        "model_type": "distilbert",
        "n_heads": a.heads,
        "n_layers": a.layers,
        "pad_token_id": 0,
        "qa_dropout": 0.1,
        "seq_classif_dropout": 0.2,
        "sinusoidal_pos_embds": False,
        "tie_weights_": True,
        "torch_dtype": TORCH_DTYPE[a.dtype],
        "transformers_version": "4.40.0",
        "vocab_size": vocab_size,
    }


def distilbert_tokenizer_config(a):
    return {
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "do_lower_case": True,
        "mask_token": "[MASK]",
        "model_max_length": a.max_pos,
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "tokenizer_class": "DistilBertTokenizer",
        "unk_token": "[UNK]",
    }


def random_distilbert(a, vocab_size):
    """Ordered dict name -> float32 array (bare DistilBertModel names)."""
    rng = np.random.default_rng(a.seed)
    D, Hd = a.dim, a.hidden_dim
    out = {}

    def draw(name, scale, shape, offset=0.0):
        out[name] = (offset + scale * rng.standard_normal(shape)).astype(np.float32)

    def norm(prefix):
        draw(prefix + ".weight", 0.1, (D,), offset=1.0)
        draw(prefix + ".bias", 0.1, (D,))

    def lin(prefix, n_in, n_out):  # nn.Linear stores [out_features, in_features]
        draw(prefix + ".weight", 0.2, (n_out, n_in))
        draw(prefix + ".bias", 0.1, (n_out,))

    draw("embeddings.word_embeddings.weight", 0.2, (vocab_size, D))
    draw("embeddings.position_embeddings.weight", 0.2, (a.max_pos, D))
    norm("embeddings.LayerNorm")
    for i in range(a.layers):
        blk = "transformer.layer.%d." % i
        for proj in ("q_lin", "k_lin", "v_lin", "out_lin"):
            lin(blk + "attention." + proj, D, D)
        norm(blk + "sa_layer_norm")
        lin(blk + "ffn.lin1", D, Hd)
        lin(blk + "ffn.lin2", Hd, D)
        norm(blk + "output_layer_norm")
    return out


def write_json(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--hidden-dim", type=int, default=128)
    ap.add_argument("--max-pos", type=int, default=128)
    ap.add_argument("--dtype", default="F32", choices=sorted(TORCH_DTYPE))
    ap.add_argument("--prefix", default="distilbert.",
                    help="tensor name prefix; '' for bare DistilBertModel names")
    a = ap.parse_args(argv)
    for flag, v in (("--dim", a.dim), ("--layers", a.layers), ("--heads", a.heads),
                    ("--hidden-dim", a.hidden_dim), ("--max-pos", a.max_pos)):
        if v < 1:
            ap.error("%s must be >= 1" % flag)
    if a.dim % a.heads:
        ap.error("--heads must divide --dim")

    vocab = build_vocab()
    os.makedirs(a.out, exist_ok=True)
    write_json(os.path.join(a.out, "config.json"), distilbert_config(a, len(vocab)))
    write_json(os.path.join(a.out, "tokenizer_config.json"), distilbert_tokenizer_config(a))
    with open(os.path.join(a.out, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.writelines(t + "\n" for t in vocab)

    weights = random_distilbert(a, len(vocab))
    stored = {a.prefix + name: (a.dtype, safetensors_io.convert(arr, a.dtype))
              for name, arr in sorted(weights.items())}
    size = safetensors_io.write_file(os.path.join(a.out, "model.safetensors"), stored,
                                     metadata={"format": "pt"})
    print("wrote %s: distilbert dim %d, %d layers, vocab %d, %d params, "
          "model.safetensors %d bytes (%s, prefix %r)"
          % (a.out, a.dim, a.layers, len(vocab), sum(w.size for w in weights.values()),
             size, a.dtype, a.prefix))


if __name__ == "__main__":
    main()
