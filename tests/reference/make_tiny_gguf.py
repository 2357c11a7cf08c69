#!/usr/bin/python3
"""Write a tiny HF Llama/Qwen2/GPT-2 checkpoint (make_tiny_llama.py /
make_tiny_gpt2.py output) as a llama.cpp-style GGUF, independently of our
C++ converter, the way llama.cpp's convert_hf_to_gguf.py lays it out:

    make_tiny_gguf.py --model DIR --out FILE [--type F32|Q8_0]

Keys: general.architecture (llama|qwen2), {arch}.context_length,
embedding_length, block_count, feed_forward_length, attention.head_count,
attention.head_count_kv, rope.freq_base, attention.layer_norm_rms_epsilon.
Tensors: token_embd, blk.N.{attn_norm,attn_q,attn_k,attn_v,attn_output,
ffn_norm,ffn_gate,ffn_up,ffn_down}.weight (+ attn_q/k/v.bias), output_norm,
output (absent when tied). For "llama", q/k rows are permuted per head to
interleaved RoPE pairs (llama.cpp's permute: reshape(heads, 2, hd/2, in)
.swapaxes(1, 2)); Qwen2 keeps HF's order. Matrices are stored as --type
(Q8_0 via gguf_io.quantize_q8_0), vectors as F32.

GPT-2 ("gpt2" architecture): gpt2.{context_length (n_positions),
embedding_length, block_count, feed_forward_length, attention.head_count,
attention.layer_norm_epsilon}; token_embd (wte), position_embd (wpe),
blk.N.{attn_norm (ln_1), attn_qkv (c_attn), attn_output (attn.c_proj),
ffn_norm (ln_2), ffn_up (c_fc), ffn_down (mlp.c_proj)}.{weight,bias},
output_norm (ln_f), output (lm_head, only when untied); the Conv1D weights
([in, out] in HF) are transposed to [out, in] as llama.cpp's converter does.
llama.cpp runs GPT-2 with the tanh GELU, so only gelu_new-style models are
written.

BERT / DistilBERT ("bert" architecture, as convert_hf_to_gguf.py's
BertModel / DistilBertModel write it): bert.{context_length,
embedding_length, feed_forward_length, block_count, attention.head_count,
attention.layer_norm_epsilon, attention.causal = false, pooling_type}
(1 mean for bare encoders, 4 rank for a sequence classifier),
tokenizer.ggml.token_type_count; the WordPiece vocab in llama.cpp's
"phantom space" spelling (special tokens as they are, "##x" -> "x",
every other token "\u2581" + token) with token types (3 control for the
tokenizer_config.json specials, 1 normal) and the special ids. Tensors
token_embd, token_types (BERT), position_embd, token_embd_norm,
blk.N.{attn_q,attn_k,attn_v,attn_output,attn_output_norm,ffn_up,ffn_down,
layer_output_norm}.{weight,bias}; a bare model's pooler is dropped (as
llama.cpp does); BertForSequenceClassification's pooler as cls and its
classifier as cls.output, labels in bert.classifier.output_labels.

rope_scaling as convert_hf_to_gguf.py writes it: linear / yarn as
{arch}.rope.scaling.{type,factor,original_context_length}; llama3 as the
rope_freqs.weight tensor of per-frequency divisors (1 for wavelengths below
original / high_freq_factor, factor above original / low_freq_factor,
1 / ((1 - s) / factor + s) between, s = (original / wavelength - low) /
(high - low)).
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gguf_io as g  # noqa: E402
import safetensors_io  # noqa: E402


def permute(w, heads):
    return (w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:])
            .swapaxes(1, 2).reshape(w.shape))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--type", default="F32", choices=["F32", "Q8_0"])
    a = p.parse_args()
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    w, _, _ = safetensors_io.read_file(os.path.join(a.model, "model.safetensors"))
    arch = cfg["model_type"]
    if arch == "gpt2":
        return write_gpt2(cfg, w, a)
    if arch in ("bert", "distilbert"):
        return write_bert(cfg, w, a)
    heads = cfg["num_attention_heads"]
    kv_heads = cfg.get("num_key_value_heads", heads)
    kvs = [
        ("general.architecture", g.STRING, arch),
        (arch + ".context_length", g.U32, cfg["max_position_embeddings"]),
        (arch + ".embedding_length", g.U32, cfg["hidden_size"]),
        (arch + ".block_count", g.U32, cfg["num_hidden_layers"]),
        (arch + ".feed_forward_length", g.U32, cfg["intermediate_size"]),
        (arch + ".attention.head_count", g.U32, heads),
        (arch + ".attention.head_count_kv", g.U32, kv_heads),
        (arch + ".rope.freq_base", g.F32V, float(cfg.get("rope_theta", 10000.0))),
        (arch + ".attention.layer_norm_rms_epsilon", g.F32V, float(cfg.get("rms_norm_eps", 1e-6))),
    ]
    mtype = g.Q8_0 if a.type == "Q8_0" else g.F32
    tensors = []
    rs = cfg.get("rope_scaling") or {}
    kind = rs.get("rope_type", rs.get("type", "default"))
    if kind in ("linear", "yarn"):
        kvs.append((arch + ".rope.scaling.type", g.STRING, kind))
        kvs.append((arch + ".rope.scaling.factor", g.F32V, float(rs["factor"])))
    if kind == "yarn":
        kvs.append((arch + ".rope.scaling.original_context_length", g.U32,
                    rs.get("original_max_position_embeddings") or cfg["max_position_embeddings"]))
    elif kind not in ("default", "linear", "llama3"):
        raise SystemExit(f"rope_scaling {kind!r} has no GGUF form here")

    def add(name, x):
        x = np.ascontiguousarray(x, dtype=np.float32)
        # Rows not a whole number of 32-blocks stay F32 (llama.cpp falls back too).
        t = mtype if x.ndim == 2 and x.shape[-1] % 32 == 0 else g.F32
        data = x.tobytes() if t == g.F32 else g.quantize(t, x.ravel())
        tensors.append({"name": name, "type": t, "ne": list(reversed(x.shape)), "data": bytes(data)})

    if kind == "llama3":
        hd = cfg["hidden_size"] // heads
        theta = float(cfg.get("rope_theta", 10000.0))
        old = rs["original_max_position_embeddings"]
        lo, hi, factor = rs["low_freq_factor"], rs["high_freq_factor"], rs["factor"]
        divisors = []
        for i in range(0, hd, 2):
            wavelen = 2 * math.pi * theta ** (i / hd)
            if wavelen < old / hi:
                divisors.append(1.0)
            elif wavelen > old / lo:
                divisors.append(factor)
            else:
                sm = (old / wavelen - lo) / (hi - lo)
                divisors.append(1 / ((1 - sm) / factor + sm))
        tensors.append({"name": "rope_freqs.weight", "type": g.F32, "ne": [len(divisors)],
                        "data": np.asarray(divisors, dtype=np.float32).tobytes()})
    add("token_embd.weight", w["model.embed_tokens.weight"])
    for l in range(cfg["num_hidden_layers"]):
        h = "model.layers.%d." % l
        b = "blk.%d." % l
        q = w[h + "self_attn.q_proj.weight"]
        k = w[h + "self_attn.k_proj.weight"]
        if arch == "llama":
            q, k = permute(q, heads), permute(k, kv_heads)
        add(b + "attn_norm.weight", w[h + "input_layernorm.weight"])
        add(b + "attn_q.weight", q)
        add(b + "attn_k.weight", k)
        add(b + "attn_v.weight", w[h + "self_attn.v_proj.weight"])
        if h + "self_attn.q_proj.bias" in w:
            add(b + "attn_q.bias", w[h + "self_attn.q_proj.bias"])
            add(b + "attn_k.bias", w[h + "self_attn.k_proj.bias"])
            add(b + "attn_v.bias", w[h + "self_attn.v_proj.bias"])
        add(b + "attn_output.weight", w[h + "self_attn.o_proj.weight"])
        add(b + "ffn_norm.weight", w[h + "post_attention_layernorm.weight"])
        add(b + "ffn_gate.weight", w[h + "mlp.gate_proj.weight"])
        add(b + "ffn_up.weight", w[h + "mlp.up_proj.weight"])
        add(b + "ffn_down.weight", w[h + "mlp.down_proj.weight"])
    add("output_norm.weight", w["model.norm.weight"])
    if "lm_head.weight" in w:
        add("output.weight", w["lm_head.weight"])
    data, _ = g.encode_gguf(kvs, tensors)
    with open(a.out, "wb") as f:
        f.write(data)


def write_gpt2(cfg, w, a):
    assert cfg.get("activation_function", "gelu_new") in ("gelu_new", "gelu_pytorch_tanh", "gelu_fast")
    pre = "transformer." if "transformer.wte.weight" in w else ""
    E = cfg["n_embd"]
    kvs = [
        ("general.architecture", g.STRING, "gpt2"),
        ("gpt2.context_length", g.U32, cfg["n_positions"]),
        ("gpt2.embedding_length", g.U32, E),
        ("gpt2.block_count", g.U32, cfg["n_layer"]),
        ("gpt2.feed_forward_length", g.U32, cfg.get("n_inner") or 4 * E),
        ("gpt2.attention.head_count", g.U32, cfg["n_head"]),
        ("gpt2.attention.layer_norm_epsilon", g.F32V, float(cfg.get("layer_norm_epsilon", 1e-5))),
    ]
    mtype = g.Q8_0 if a.type == "Q8_0" else g.F32
    tensors = []

    def add(name, x):
        x = np.ascontiguousarray(x, dtype=np.float32)
        t = mtype if x.ndim == 2 and x.shape[-1] % 32 == 0 else g.F32
        data = x.tobytes() if t == g.F32 else g.quantize(t, x.ravel())
        tensors.append({"name": name, "type": t, "ne": list(reversed(x.shape)), "data": bytes(data)})

    add("token_embd.weight", w[pre + "wte.weight"])
    add("position_embd.weight", w[pre + "wpe.weight"])
    for l in range(cfg["n_layer"]):
        h, b = "%sh.%d." % (pre, l), "blk.%d." % l
        for src, dst in (("ln_1", "attn_norm"), ("ln_2", "ffn_norm")):
            add(b + dst + ".weight", w[h + src + ".weight"])
            add(b + dst + ".bias", w[h + src + ".bias"])
        for src, dst in (("attn.c_attn", "attn_qkv"), ("attn.c_proj", "attn_output"),
                         ("mlp.c_fc", "ffn_up"), ("mlp.c_proj", "ffn_down")):
            add(b + dst + ".weight", w[h + src + ".weight"].T)  # Conv1D [in, out] -> [out, in]
            add(b + dst + ".bias", w[h + src + ".bias"])
    add("output_norm.weight", w[pre + "ln_f.weight"])
    add("output_norm.bias", w[pre + "ln_f.bias"])
    if "lm_head.weight" in w and not cfg.get("tie_word_embeddings", True):
        add("output.weight", w["lm_head.weight"])
    data, _ = g.encode_gguf(kvs, tensors)
    with open(a.out, "wb") as f:
        f.write(data)


def write_bert(cfg, w, a):
    distil = cfg["model_type"] == "distilbert"
    arch_name = (cfg.get("architectures") or ["BertModel"])[0]
    classifier = arch_name.endswith("ForSequenceClassification")
    assert not (distil and classifier), "llama.cpp has no form for DistilBERT's pre_classifier"
    get = lambda k, d: cfg.get(k, cfg.get(d))  # BERT name, DistilBERT name
    kvs = [
        ("general.architecture", g.STRING, "bert"),
        ("bert.context_length", g.U32, cfg["max_position_embeddings"]),
        ("bert.embedding_length", g.U32, get("hidden_size", "dim")),
        ("bert.feed_forward_length", g.U32, get("intermediate_size", "hidden_dim")),
        ("bert.block_count", g.U32, get("num_hidden_layers", "n_layers")),
        ("bert.attention.head_count", g.U32, get("num_attention_heads", "n_heads")),
        ("bert.attention.layer_norm_epsilon", g.F32V, float(cfg.get("layer_norm_eps", 1e-12))),
        ("bert.attention.causal", g.BOOL, 0),
        ("bert.pooling_type", g.U32, 4 if classifier else 1),
        ("tokenizer.ggml.token_type_count", g.U32, cfg.get("type_vocab_size", 2)),
    ]
    if classifier:
        labels = [cfg["id2label"][str(i)] for i in range(len(cfg["id2label"]))]
        kvs.append(("bert.classifier.output_labels", g.ARRAY, (g.STRING, labels)))
    vocab = open(os.path.join(a.model, "vocab.txt"), encoding="utf-8").read().split("\n")
    if vocab and vocab[-1] == "":
        vocab.pop()
    tok_cfg = json.load(open(os.path.join(a.model, "tokenizer_config.json")))
    specials = {tok_cfg[k]: k for k in ("cls_token", "sep_token", "unk_token", "pad_token", "mask_token")}
    tokens, types = [], []
    for t in vocab:
        if t in specials:
            tokens.append(t)
            types.append(3)
        else:
            tokens.append(t[2:] if t.startswith("##") else "\u2581" + t)
            types.append(1)
    kvs += [("tokenizer.ggml.model", g.STRING, "bert"),
            ("tokenizer.ggml.tokens", g.ARRAY, (g.STRING, tokens)),
            ("tokenizer.ggml.token_type", g.ARRAY, (g.I32, types))]
    for key, name in (("cls", "cls_token"), ("seperator", "sep_token"), ("unknown", "unk_token"),
                      ("padding", "pad_token"), ("mask", "mask_token")):
        kvs.append(("tokenizer.ggml.%s_token_id" % key, g.U32, vocab.index(tok_cfg[name])))

    mtype = g.Q8_0 if a.type == "Q8_0" else g.F32
    tensors = []

    def add(name, x):
        x = np.ascontiguousarray(x, dtype=np.float32)
        t = mtype if name.startswith("blk.") and x.ndim == 2 and x.shape[-1] % 32 == 0 else g.F32
        data = x.tobytes() if t == g.F32 else g.quantize(t, x.ravel())
        tensors.append({"name": name, "type": t, "ne": list(reversed(x.shape)), "data": bytes(data)})

    pre = next(p for p in ("", "bert.", "distilbert.") if p + "embeddings.word_embeddings.weight" in w)

    def both(dst, src):
        add(dst + ".weight", w[src + ".weight"])
        add(dst + ".bias", w[src + ".bias"])

    add("token_embd.weight", w[pre + "embeddings.word_embeddings.weight"])
    if not distil:
        add("token_types.weight", w[pre + "embeddings.token_type_embeddings.weight"])
    add("position_embd.weight", w[pre + "embeddings.position_embeddings.weight"])
    both("token_embd_norm", pre + "embeddings.LayerNorm")
    if distil:
        parts = [("attn_q", "attention.q_lin"), ("attn_k", "attention.k_lin"), ("attn_v", "attention.v_lin"),
                 ("attn_output", "attention.out_lin"), ("attn_output_norm", "sa_layer_norm"),
                 ("ffn_up", "ffn.lin1"), ("ffn_down", "ffn.lin2"), ("layer_output_norm", "output_layer_norm")]
        layer = pre + "transformer.layer.%d."
    else:
        parts = [("attn_q", "attention.self.query"), ("attn_k", "attention.self.key"),
                 ("attn_v", "attention.self.value"), ("attn_output", "attention.output.dense"),
                 ("attn_output_norm", "attention.output.LayerNorm"), ("ffn_up", "intermediate.dense"),
                 ("ffn_down", "output.dense"), ("layer_output_norm", "output.LayerNorm")]
        layer = pre + "encoder.layer.%d."
    for l in range(get("num_hidden_layers", "n_layers")):
        for dst, src in parts:
            both("blk.%d.%s" % (l, dst), layer % l + src)
    if classifier:
        both("cls", pre + "pooler.dense")
        both("cls.output", "classifier")
    data, _ = g.encode_gguf(kvs, tensors)
    with open(a.out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
