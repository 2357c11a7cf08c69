#!/usr/bin/python3
"""Write a seeded, random, tiny Llama-family decoder in Hugging Face layout.

    make_tiny_llama.py --out DIR [--seed 0] [--arch llama|qwen2] [--tied]
                       [--vocab-size 256] [--hidden 64] [--layers 2] [--heads 4]
                       [--kv-heads 2] [--intermediate 172] [--max-pos 128]
                       [--rope-theta 10000] [--rms-eps 1e-5] [--dtype F32|BF16]
                       [--rope-scaling JSON]

DIR receives config.json and model.safetensors (names as LlamaForCausalLM /
Qwen2ForCausalLM save them: model.embed_tokens.weight,
model.layers.N.self_attn.{q,k,v,o}_proj.weight (+ q/k/v bias for qwen2),
model.layers.N.mlp.{gate,up,down}_proj.weight, input_layernorm.weight,
post_attention_layernorm.weight, model.norm.weight, lm_head.weight unless
tied).  Same arguments -> byte-identical files.

Weights (numpy, float32, drawn in a fixed order): embeddings N(0, 1);
projection matrices N(0, 1/in_features) * 1.5 (keeps activations O(1) so
logits have a useful spread); norm weights 1 + 0.1 N(0, 1); q/k/v biases
0.1 N(0, 1).  BF16 files are round-to-nearest-even roundings of the F32 draw.

With --llama2c, DIR also receives model.bin: the same weights as a llama2.c
checkpoint (legacy v0; llama arch only).  llama2.c rotates interleaved pairs
(x[2i], x[2i+1]) where HF rotates (x[i], x[i + d/2]), so q/k rows are
permuted per head: llama2.c row 2i + j = HF row j * d/2 + i (the inverse of
transformers' convert_llama_weights_to_hf permute).
"""

import argparse
import json
import os
import struct
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--arch", choices=["llama", "qwen2"], default="llama")
    p.add_argument("--tied", action="store_true")
    p.add_argument("--vocab-size", type=int, default=256)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--intermediate", type=int, default=172)
    p.add_argument("--max-pos", type=int, default=128)
    p.add_argument("--rope-theta", type=float, default=10000.0)
    p.add_argument("--rms-eps", type=float, default=1e-5)
    p.add_argument("--dtype", choices=["F32", "BF16"], default="F32")
    p.add_argument("--llama2c", action="store_true")
    p.add_argument("--rope-scaling", default=None,
                   help="config.json rope_scaling object, e.g. '{\"rope_type\": \"linear\", \"factor\": 2.0}'")
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    H, V, I = a.hidden, a.vocab_size, a.intermediate
    hd = H // a.heads
    q_dim, kv_dim = a.heads * hd, a.kv_heads * hd

    def linear(out_f, in_f):
        return (rng.standard_normal((out_f, in_f)) * 1.5 / np.sqrt(in_f)).astype(np.float32)

    def norm(n):
        return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)

    t = {}
    t["model.embed_tokens.weight"] = rng.standard_normal((V, H)).astype(np.float32)
    for i in range(a.layers):
        pre = f"model.layers.{i}."
        t[pre + "input_layernorm.weight"] = norm(H)
        t[pre + "self_attn.q_proj.weight"] = linear(q_dim, H)
        t[pre + "self_attn.k_proj.weight"] = linear(kv_dim, H)
        t[pre + "self_attn.v_proj.weight"] = linear(kv_dim, H)
        if a.arch == "qwen2":
            for n, d in (("q", q_dim), ("k", kv_dim), ("v", kv_dim)):
                t[pre + f"self_attn.{n}_proj.bias"] = (0.1 * rng.standard_normal(d)).astype(np.float32)
        t[pre + "self_attn.o_proj.weight"] = linear(H, q_dim)
        t[pre + "post_attention_layernorm.weight"] = norm(H)
        t[pre + "mlp.gate_proj.weight"] = linear(I, H)
        t[pre + "mlp.up_proj.weight"] = linear(I, H)
        t[pre + "mlp.down_proj.weight"] = linear(H, I)
    t["model.norm.weight"] = norm(H)
    if not a.tied:
        t["lm_head.weight"] = linear(V, H)

    os.makedirs(a.out, exist_ok=True)
    safetensors_io.write_file(
        os.path.join(a.out, "model.safetensors"),
        {k: (a.dtype, safetensors_io.convert(v, a.dtype)) for k, v in t.items()})

    arch_class = "LlamaForCausalLM" if a.arch == "llama" else "Qwen2ForCausalLM"
    config = {
        "architectures": [arch_class],
        "model_type": a.arch,
        "vocab_size": V,
        "hidden_size": H,
        "intermediate_size": I,
        "num_hidden_layers": a.layers,
        "num_attention_heads": a.heads,
        "num_key_value_heads": a.kv_heads,
        "hidden_act": "silu",
        "max_position_embeddings": a.max_pos,
        "rms_norm_eps": a.rms_eps,
        "rope_theta": a.rope_theta,
        "rope_scaling": json.loads(a.rope_scaling) if a.rope_scaling else None,
        "tie_word_embeddings": a.tied,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "torch_dtype": "float32" if a.dtype == "F32" else "bfloat16",
    }
    if a.arch == "llama":
        config["attention_bias"] = False
    else:
        config["use_sliding_window"] = False
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    if a.llama2c:
        assert a.arch == "llama" and a.dtype == "F32"
        write_llama2c(os.path.join(a.out, "model.bin"), t, a, hd)


def to_interleaved(w, heads, hd):
    """HF half-split q/k rows -> llama2.c interleaved rows, per head."""
    return w.reshape(heads, 2, hd // 2, -1).transpose(0, 2, 1, 3).reshape(heads * hd, -1)


def write_llama2c(path, t, a, hd):
    L = a.layers
    layer = lambda name: [t[f"model.layers.{i}.{name}"] for i in range(L)]  # noqa: E731
    vocab = a.vocab_size if a.tied else -a.vocab_size
    parts = [t["model.embed_tokens.weight"]]
    parts += layer("input_layernorm.weight")
    parts += [to_interleaved(w, a.heads, hd) for w in layer("self_attn.q_proj.weight")]
    parts += [to_interleaved(w, a.kv_heads, hd) for w in layer("self_attn.k_proj.weight")]
    parts += layer("self_attn.v_proj.weight")
    parts += layer("self_attn.o_proj.weight")
    parts += layer("post_attention_layernorm.weight")
    parts += layer("mlp.gate_proj.weight")  # w1
    parts += layer("mlp.down_proj.weight")  # w2
    parts += layer("mlp.up_proj.weight")    # w3
    parts += [t["model.norm.weight"]]
    parts += [np.zeros(a.max_pos * hd, dtype=np.float32)]  # legacy freq_cis_real + imag
    if not a.tied:
        parts += [t["lm_head.weight"]]
    with open(path, "wb") as f:
        f.write(struct.pack("<7i", a.hidden, a.intermediate, L, a.heads, a.kv_heads, vocab,
                            a.max_pos))
        for x in parts:
            f.write(np.ascontiguousarray(x, dtype="<f4").tobytes())


if __name__ == "__main__":
    main()
