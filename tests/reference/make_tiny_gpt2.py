#!/usr/bin/python3
"""Write a seeded, random, tiny GPT-2 in Hugging Face layout.

    make_tiny_gpt2.py --out DIR [--seed 0] [--vocab-size 300] [--n-embd 64]
                      [--layers 3] [--heads 4] [--n-inner N] [--positions 128]
                      [--activation gelu_new] [--ln-eps 1e-5] [--untied]
                      [--prefix transformer.] [--buffers] [--dtype F32|F16|BF16]

DIR receives config.json (GPT2Config field names: n_embd, n_layer, n_head,
n_positions, n_ctx, n_inner, activation_function, layer_norm_epsilon, ...)
and model.safetensors with the names GPT2LMHeadModel saves (--prefix
transformer.) or a bare GPT2Model (no prefix): wte.weight, wpe.weight,
h.N.ln_1.{weight,bias}, h.N.attn.c_attn.{weight,bias},
h.N.attn.c_proj.{weight,bias}, h.N.ln_2.{weight,bias},
h.N.mlp.c_fc.{weight,bias}, h.N.mlp.c_proj.{weight,bias}, ln_f.{weight,bias},
and lm_head.weight (never prefixed) only with --untied.  The projections
are Conv1D modules: their weights are stored [in, out].  --buffers also
writes the attn.bias (causal mask, [1, 1, P, P]) and attn.masked_bias
(scalar) buffers that older checkpoints carry.  Same arguments ->
byte-identical files.

Weights (numpy, float32, drawn in a fixed order): wte 0.3 N(0, 1); wpe
0.3 N(0, 1) (small beside the blocks' outputs, so the tied head does not just
repeat the last token); Conv1D weights N(0, 1/in) * 1.5 (keeps activations O(1));
biases 0.1 N(0, 1); LayerNorm weights 1 + 0.1 N(0, 1), biases 0.1 N(0, 1).
F16/BF16 files hold roundings of the F32 draw.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--vocab-size", type=int, default=300)
    p.add_argument("--n-embd", type=int, default=64)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--n-inner", type=int, default=None)
    p.add_argument("--positions", type=int, default=128)
    p.add_argument("--activation", default="gelu_new")
    p.add_argument("--ln-eps", type=float, default=1e-5)
    p.add_argument("--untied", action="store_true")
    p.add_argument("--prefix", default="")
    p.add_argument("--buffers", action="store_true")
    p.add_argument("--dtype", choices=["F32", "F16", "BF16"], default="F32")
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    D, V, P = a.n_embd, a.vocab_size, a.positions
    F = a.n_inner or 4 * D

    def conv1d(n_in, n_out):
        return (rng.standard_normal((n_in, n_out)) * 1.5 / np.sqrt(n_in)).astype(np.float32)

    def small(*shape):
        return (0.1 * rng.standard_normal(shape)).astype(np.float32)

    def ln_weight(n):
        return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)

    t = {}
    pre = a.prefix
    t[pre + "wte.weight"] = (0.3 * rng.standard_normal((V, D))).astype(np.float32)
    t[pre + "wpe.weight"] = (0.3 * rng.standard_normal((P, D))).astype(np.float32)
    for i in range(a.layers):
        h = f"{pre}h.{i}."
        t[h + "ln_1.weight"] = ln_weight(D)
        t[h + "ln_1.bias"] = small(D)
        t[h + "attn.c_attn.weight"] = conv1d(D, 3 * D)
        t[h + "attn.c_attn.bias"] = small(3 * D)
        t[h + "attn.c_proj.weight"] = conv1d(D, D)
        t[h + "attn.c_proj.bias"] = small(D)
        t[h + "ln_2.weight"] = ln_weight(D)
        t[h + "ln_2.bias"] = small(D)
        t[h + "mlp.c_fc.weight"] = conv1d(D, F)
        t[h + "mlp.c_fc.bias"] = small(F)
        t[h + "mlp.c_proj.weight"] = conv1d(F, D)
        t[h + "mlp.c_proj.bias"] = small(D)
    t[pre + "ln_f.weight"] = ln_weight(D)
    t[pre + "ln_f.bias"] = small(D)
    if a.untied:
        t["lm_head.weight"] = (rng.standard_normal((V, D)) / np.sqrt(D) * 3).astype(np.float32)

    stored = {k: (a.dtype, safetensors_io.convert(v, a.dtype)) for k, v in t.items()}
    if a.buffers:
        # Not parameters: a model must ignore them (their dtype is f32 even
        # in half-precision files, as in the original checkpoints).
        mask = np.tril(np.ones((P, P), dtype=np.float32)).reshape(1, 1, P, P)
        for i in range(a.layers):
            stored[f"{pre}h.{i}.attn.bias"] = ("F32", mask)
            stored[f"{pre}h.{i}.attn.masked_bias"] = ("F32", np.array(-1e4, dtype=np.float32))

    os.makedirs(a.out, exist_ok=True)
    safetensors_io.write_file(os.path.join(a.out, "model.safetensors"), stored)

    config = {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "vocab_size": V,
        "n_embd": D,
        "n_layer": a.layers,
        "n_head": a.heads,
        "n_inner": a.n_inner,
        "n_positions": P,
        "n_ctx": P,
        "activation_function": a.activation,
        "layer_norm_epsilon": a.ln_eps,
        "resid_pdrop": 0.1,
        "embd_pdrop": 0.1,
        "attn_pdrop": 0.1,
        "initializer_range": 0.02,
        "scale_attn_weights": True,
        "scale_attn_by_inverse_layer_idx": False,
        "reorder_and_upcast_attn": False,
        "use_cache": True,
        "tie_word_embeddings": not a.untied,
        "bos_token_id": V - 1,
        "eos_token_id": V - 1,
        "torch_dtype": {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[a.dtype],
    }
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
