#!/usr/bin/python3
"""Independent PyTorch reference for Llama / Qwen2 decoders (HF semantics).

    /usr/bin/python3 tests/reference/llama_reference.py --model DIR --out reference.json

Reads DIR/config.json and DIR/model.safetensors (F32/BF16), runs a fixed
prompt and a greedy continuation of 64 tokens in float64 (no KV cache: every
step recomputes the whole sequence, so it shares nothing with an incremental
implementation), and writes JSON:

  {"model": {config summary, "float32_vs_float64_max_abs_diff"},
   "prompt": [ids], "prompt_logits": [vocab] (last prompt token),
   "continuation": [64 greedy ids],
   "step_logits": [[vocab] per continuation step: logits after feeding
                   prompt + continuation[:i+1]],
   "min_top2_gap": smallest gap between the best and second-best logit over
                   all greedy choices (how robust the greedy path is)}

Model, written from transformers' modeling_llama.py / modeling_qwen2.py
(eval mode):
  x = embed_tokens[ids]
  per layer:
    h = RMSNorm(x) = x * rsqrt(mean(x^2) + eps) * w
    q, k, v = q_proj(h), k_proj(h), v_proj(h)   (+ bias for qwen2)
    split into heads [S, n, d]; RoPE with rotate_half:
      inv_freq = 1 / theta^(arange(0, d, 2) / d); f = pos * inv_freq
      cos, sin = cos/sin(cat(f, f));  q' = q cos + rotate_half(q) sin,
      rotate_half(x) = cat(-x[d/2:], x[:d/2])
      rope_scaling (modeling_rope_utils' _compute_*_parameters) changes
      inv_freq: linear divides it by factor; dynamic (NTK) raises the base to
      theta * (factor * L / max_pos - (factor - 1))^(d / (d - 2)) once the
      sequence length L exceeds max_position_embeddings; llama3 divides the
      low frequencies by factor and blends the middle band; yarn blends
      interpolated and original frequencies along a ramp and multiplies
      cos/sin by its attention factor.
      Dynamic NTK and the KV cache: HF recomputes inv_freq per forward call
      from that call's length, and cached keys keep the rotation they got.
      This reference has no cache, so it reproduces cached generation by
      rotating position p with the frequencies of the call that first saw
      it: L = len(prompt) for prompt positions, p + 1 for generated ones.
    repeat_kv: KV head j serves query heads j*g .. j*g+g-1 (g = n/n_kv)
    s = q k^T / sqrt(d) + causal mask (-inf above the diagonal); p = softmax(s)
    x = x + o_proj(p v)
    x = x + down_proj(silu(gate_proj(RMSNorm(x))) * up_proj(RMSNorm(x)))
  logits = lm_head(RMSNorm(x))  (lm_head = embed_tokens when tied)
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

PROMPT = [1, 17, 42, 99, 3, 250, 7, 128, 64, 5, 77]
STEPS = 64


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def default_inv_freq(d, theta):
    # Formed in float32 as HF does: the rotation angles are the real model's.
    return 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))


def rope_type(cfg):
    rs = cfg.get("rope_scaling") or {}
    return rs.get("rope_type", rs.get("type", "default")), rs


def inv_freq_and_attention(cfg, d, seq_len):
    """inv_freq (float32) and the cos/sin multiplier for a call of seq_len tokens."""
    kind, rs = rope_type(cfg)
    theta = cfg.get("rope_theta", 10000.0)
    max_pos = cfg["max_position_embeddings"]
    if kind == "default":
        return default_inv_freq(d, theta), 1.0
    factor = rs["factor"]
    if kind == "linear":
        return default_inv_freq(d, theta) / factor, 1.0
    if kind == "dynamic":
        length = max(seq_len, max_pos)
        base = theta * ((factor * length / max_pos) - (factor - 1)) ** (d / (d - 2))
        return default_inv_freq(d, base), 1.0
    if kind == "llama3":
        inv = default_inv_freq(d, theta)
        old = rs["original_max_position_embeddings"]
        lo, hi = rs["low_freq_factor"], rs["high_freq_factor"]
        wavelen = 2 * math.pi / inv
        low_band = wavelen > old / lo                        # long wavelengths: interpolate
        high_band = wavelen < old / hi                       # short ones: keep
        smooth = (old / wavelen - lo) / (hi - lo)
        blended = (1 - smooth) * inv / factor + smooth * inv
        out = torch.where(low_band, inv / factor, inv)
        return torch.where(~low_band & ~high_band, blended, out), 1.0
    if kind == "yarn":
        orig = rs.get("original_max_position_embeddings") or max_pos
        beta_fast, beta_slow = rs.get("beta_fast") or 32, rs.get("beta_slow") or 1

        def dim_for(rotations):  # the dimension that turns `rotations` times over orig
            return d * math.log(orig / (rotations * 2 * math.pi)) / (2 * math.log(theta))

        low, high = dim_for(beta_fast), dim_for(beta_slow)
        if rs.get("truncate", True):
            low, high = math.floor(low), math.ceil(high)
        low, high = max(low, 0), min(high, d - 1)
        if low == high:
            high += 0.001
        pos_freqs = theta ** (torch.arange(0, d, 2).float() / d)
        ramp = ((torch.arange(d // 2, dtype=torch.float32) - low) / (high - low)).clamp(0, 1)
        keep = 1 - ramp
        inv = (1.0 / (factor * pos_freqs)) * (1 - keep) + (1.0 / pos_freqs) * keep

        def mscale(m):
            return 1.0 if factor <= 1 else 0.1 * m * math.log(factor) + 1.0
        att = rs.get("attention_factor")
        if att is None:
            m, m_all = rs.get("mscale"), rs.get("mscale_all_dim")
            att = mscale(m) / mscale(m_all) if m and m_all else mscale(1)
        return inv, att
    raise SystemExit(f"rope_scaling type {kind!r} not in this reference")


def rope_cos_sin(cfg, seq, d, prefill, dtype):
    """cos/sin [seq, d]; see the module docstring for dynamic NTK's prefill."""
    if rope_type(cfg)[0] == "dynamic":
        rows = [p * inv_freq_and_attention(cfg, d, max(p + 1, prefill))[0] for p in range(seq)]
        freqs, att = torch.stack(rows), 1.0
    else:
        inv, att = inv_freq_and_attention(cfg, d, seq)
        freqs = torch.arange(seq, dtype=torch.float32)[:, None] * inv[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return (emb.cos() * att).to(dtype), (emb.sin() * att).to(dtype)


def forward(P, cfg, ids, dtype, prefill=None):
    n, n_kv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    H = cfg["hidden_size"]
    d = cfg.get("head_dim") or H // n
    eps = cfg["rms_norm_eps"]
    S = len(ids)
    x = P["model.embed_tokens.weight"][torch.tensor(ids)]
    cos, sin = rope_cos_sin(cfg, S, d, prefill or S, dtype)
    mask = torch.full((S, S), float("-inf"), dtype=dtype).triu(1)
    for i in range(cfg["num_hidden_layers"]):
        pre = f"model.layers.{i}."

        def lin(name, inp):
            y = inp @ P[pre + name + ".weight"].T
            b = P.get(pre + name + ".bias")
            return y + b if b is not None else y

        h = rms_norm(x, P[pre + "input_layernorm.weight"], eps)
        q = lin("self_attn.q_proj", h).view(S, n, d).transpose(0, 1)
        k = lin("self_attn.k_proj", h).view(S, n_kv, d).transpose(0, 1)
        v = lin("self_attn.v_proj", h).view(S, n_kv, d).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        g = n // n_kv
        k = k.repeat_interleave(g, dim=0)
        v = v.repeat_interleave(g, dim=0)
        s = q @ k.transpose(1, 2) / (d ** 0.5) + mask
        a = torch.softmax(s, dim=-1) @ v
        x = x + lin("self_attn.o_proj", a.transpose(0, 1).reshape(S, n * d))
        h = rms_norm(x, P[pre + "post_attention_layernorm.weight"], eps)
        gate = lin("mlp.gate_proj", h)
        x = x + lin("mlp.down_proj", gate * torch.sigmoid(gate) * lin("mlp.up_proj", h))
    x = rms_norm(x, P["model.norm.weight"], eps)
    head = P.get("lm_head.weight", P["model.embed_tokens.weight"])
    return x @ head.T


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    with open(os.path.join(a.model, "config.json")) as f:
        cfg = json.load(f)
    raw, _, _ = safetensors_io.read_file(os.path.join(a.model, "model.safetensors"))
    if cfg.get("tie_word_embeddings", False):
        assert "lm_head.weight" not in raw
    P64 = {k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in raw.items()}
    P32 = {k: v.float() for k, v in P64.items()}

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
            logits = forward(P64, cfg, seq, torch.float64, prefill=len(PROMPT))[-1]
            step_logits.append(logits.tolist())

    out = {
        "model": {"model_type": cfg["model_type"], "vocab_size": cfg["vocab_size"],
                  "tied": cfg.get("tie_word_embeddings", False),
                  "rope_scaling": cfg.get("rope_scaling"),
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
