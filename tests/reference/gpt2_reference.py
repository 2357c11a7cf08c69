#!/usr/bin/python3
"""Independent PyTorch reference for GPT-2 / DistilGPT2 (HF semantics).

    /usr/bin/python3 tests/reference/gpt2_reference.py --model DIR --out reference.json

Reads DIR/config.json and DIR/model.safetensors (F32/F16/BF16, with or
without the "transformer." prefix), runs a fixed prompt and a greedy
continuation of 64 tokens in float64 (no KV cache: every step recomputes
the whole sequence, so it shares nothing with an incremental
implementation), and writes JSON in the layout of llama_reference.py:

  {"model": {config summary, "float32_vs_float64_max_abs_diff"},
   "prompt": [ids], "prompt_logits": [vocab] (last prompt token),
   "continuation": [64 greedy ids],
   "step_logits": [[vocab] per continuation step: logits after feeding
                   prompt + continuation[:i+1]],
   "min_top2_gap": smallest gap between the best and second-best logit over
                   all greedy choices (how robust the greedy path is)}

Model, written from transformers' modeling_gpt2.py (GPT2LMHeadModel, eval
mode, scale_attn_weights=True):
  x = wte[ids] + wpe[0..S-1]
  per block:
    h = LayerNorm(x; ln_1)  (biased variance, eps = layer_norm_epsilon)
    q | k | v = Conv1D c_attn(h) = h @ W + b   (W stored [in, out])
    split each into heads [n, S, d]
    w = q k^T / sqrt(d); above the diagonal -> finfo.min; p = softmax(w)
    x = x + c_proj(merge_heads(p v))
    h = LayerNorm(x; ln_2)
    x = x + mlp.c_proj(act(mlp.c_fc(h)))
        act = gelu_new: 0.5 y (1 + tanh(sqrt(2/pi) (y + 0.044715 y^3)))
              gelu: 0.5 y (1 + erf(y / sqrt 2))
  logits = LayerNorm(x; ln_f) @ lm_head^T  (lm_head = wte when tied)
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

PROMPT = [299, 17, 42, 99, 3, 250, 7, 128, 64, 5, 77, 201]
STEPS = 64


def gelu_new(y):
    return 0.5 * y * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (y + 0.044715 * y.pow(3))))


def gelu_erf(y):
    return 0.5 * y * (1.0 + torch.erf(y / math.sqrt(2.0)))


ACTIVATIONS = {"gelu_new": gelu_new, "gelu_pytorch_tanh": gelu_new, "gelu_fast": gelu_new,
               "gelu": gelu_erf}


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = (x - mean).pow(2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def forward(P, cfg, ids, dtype):
    pre = "transformer." if "transformer.wte.weight" in P else ""
    n, D = cfg["n_head"], cfg["n_embd"]
    d = D // n
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    act = ACTIVATIONS[cfg.get("activation_function", "gelu_new")]
    S = len(ids)
    x = P[pre + "wte.weight"][torch.tensor(ids)] + P[pre + "wpe.weight"][:S]
    causal = torch.ones(S, S, dtype=torch.bool).tril()
    mask_value = torch.finfo(dtype).min
    for i in range(cfg["n_layer"]):
        h_ = f"{pre}h.{i}."

        def conv1d(name, inp):
            return inp @ P[h_ + name + ".weight"] + P[h_ + name + ".bias"]

        h = layer_norm(x, P[h_ + "ln_1.weight"], P[h_ + "ln_1.bias"], eps)
        q, k, v = conv1d("attn.c_attn", h).split(D, dim=-1)
        q, k, v = (t.view(S, n, d).transpose(0, 1) for t in (q, k, v))
        w = (q @ k.transpose(-1, -2)) / (v.size(-1) ** 0.5)
        w = torch.where(causal, w, torch.tensor(mask_value, dtype=dtype))
        a = torch.softmax(w, dim=-1) @ v
        x = x + conv1d("attn.c_proj", a.transpose(0, 1).reshape(S, D))
        h = layer_norm(x, P[h_ + "ln_2.weight"], P[h_ + "ln_2.bias"], eps)
        x = x + conv1d("mlp.c_proj", act(conv1d("mlp.c_fc", h)))
    x = layer_norm(x, P[pre + "ln_f.weight"], P[pre + "ln_f.bias"], eps)
    tied = cfg.get("tie_word_embeddings", True)
    head = P[pre + "wte.weight"] if tied else P["lm_head.weight"]
    return x @ head.T


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    with open(os.path.join(a.model, "config.json")) as f:
        cfg = json.load(f)
    assert cfg["model_type"] == "gpt2"
    assert cfg.get("scale_attn_weights", True) and not cfg.get("scale_attn_by_inverse_layer_idx")
    raw, _, _ = safetensors_io.read_file(os.path.join(a.model, "model.safetensors"))
    P64 = {k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in raw.items()}
    P32 = {k: v.float() for k, v in P64.items()}
    assert max(PROMPT) < cfg["vocab_size"]

    with torch.no_grad():
        prompt_logits = forward(P64, cfg, PROMPT, torch.float64)[-1]
        f32_diff = (forward(P32, cfg, PROMPT, torch.float32)[-1].double() - prompt_logits).abs().max()
        seq, cont, step_logits, gaps = list(PROMPT), [], [], []
        logits = prompt_logits
        for _ in range(STEPS):
            top2 = torch.topk(logits, 2).values
            gaps.append(float(top2[0] - top2[1]))
            nxt = int(torch.argmax(logits))
            cont.append(nxt)
            seq.append(nxt)
            logits = forward(P64, cfg, seq, torch.float64)[-1]
            step_logits.append(logits.tolist())

    out = {
        "model": {"model_type": cfg["model_type"], "vocab_size": cfg["vocab_size"],
                  "tied": cfg.get("tie_word_embeddings", True),
                  "activation_function": cfg.get("activation_function", "gelu_new"),
                  "float32_vs_float64_max_abs_diff": float(f32_diff)},
        "prompt": PROMPT,
        "prompt_logits": prompt_logits.tolist(),
        "continuation": cont,
        "step_logits": step_logits,
        "min_top2_gap": min(gaps),
    }
    with open(a.out, "w") as f:
        json.dump(out, f)
    print(f"{a.model}: f32-vs-f64 {float(f32_diff):.2e}, min top-2 gap {min(gaps):.3e}, "
          f"continuation {cont[:12]}...", file=sys.stderr)


if __name__ == "__main__":
    main()
