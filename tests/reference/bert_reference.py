#!/usr/bin/python3
"""Independent PyTorch reference for BERT (Hugging Face BertModel semantics).

    /usr/bin/python3 tests/reference/bert_reference.py --model DIR --out reference.json

Reads DIR/config.json, DIR/model.safetensors (F32/F16/BF16, optional "bert."
name prefix), DIR/vocab.txt, DIR/tokenizer_config.json.  Runs a fixed set of
sentences in float64 (stored) and float32 (only to report the reference's own
noise), checks itself against torch.nn building blocks (and against
`transformers` if importable), and writes JSON:

  {"model": {config summary, "dtype", "float32_vs_float64_max_abs_diff", ...},
   "cases": [{"text", "tokens", "input_ids", "token_type_ids", "attention_mask",
              "shape": [seq, hidden], "last_hidden_state": flat row-major,
              "mean_pooled", "mean_pooled_normalized", "pooler_output"}],
   "batch": {"texts", "input_ids", "attention_mask", "shape": [B, L, hidden],
             "last_hidden_state": flat [B*L*hidden] (padded rows included),
             "mean_pooled", "mean_pooled_normalized", "pooler_output"},
   "similarity": {"a", "b", "cosine"}}

Model (modeling_bert.py, eval mode, absolute positions, no cache):
  x = LN(word[ids] + pos[0..S-1] + type[tt])
  per layer: q,k,v = Linear(x) split in heads; s = q k^T / sqrt(d) + mask,
             mask = (1 - attention_mask) * finfo(dtype).min; p = softmax(s)
             a = LN(Linear_o(p v) + x);  x = LN(Linear_2(gelu_erf(Linear_1(a))) + a)
  pooler = tanh(Linear_p(x[:, 0]))
  mean_pooled = sum_t(mask_t x_t) / max(sum_t mask_t, 1e-9); normalized: x / max(|x|, 1e-12)
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from bert_tokenizer import BertTokenizerRef  # noqa: E402

LONG_TEXT = " ".join(
    ("the quick brown fox jumps over the lazy dog while my old family cat sat "
     "on the red mat near the open door of our little house by the river").split() * 8)

TEST_TEXTS = [
    "The cat sat on the mat.",
    "Hello, world! Is it (really) \"fine\"? Yes: it's great; well - maybe...",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
    "Café naïve résumé",
    "the zorblax was unplayable at 5€ or abc€def, ßtraße",
    "a " + "supercalifragilistic" * 6 + " word",  # 120-char word -> [UNK]
    "我爱中国 cat",
    "",
    " \tTabs\tand\nnewlines\r\n and\u00a0nbsp\u0000nul\ufffd zero\u200bwidth \u2028sep ",
    "the cat sat on the [MASK].",
    LONG_TEXT,  # > 126 word pieces -> truncated to 128 incl. [CLS]/[SEP]
]
BATCH_TEXTS = ["The cat sat on the mat.", "hello world", "Café naïve résumé, said the old man!"]
SIMILARITY = ("the cat sat on the mat", "a dog sat on the rug")

LAYER_NAMES = [
    "attention.self.query.weight", "attention.self.query.bias",
    "attention.self.key.weight", "attention.self.key.bias",
    "attention.self.value.weight", "attention.self.value.bias",
    "attention.output.dense.weight", "attention.output.dense.bias",
    "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
    "intermediate.dense.weight", "intermediate.dense.bias",
    "output.dense.weight", "output.dense.bias",
    "output.LayerNorm.weight", "output.LayerNorm.bias"]


# ------------------------------------------------------------------ loading ---

def load_model(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    arrays, dtypes, _ = safetensors_io.read_file(os.path.join(model_dir, "model.safetensors"))
    if "embeddings.word_embeddings.weight" in arrays:
        prefix = ""
    elif "bert.embeddings.word_embeddings.weight" in arrays:
        prefix = "bert."
    else:
        raise KeyError("missing tensor embeddings.word_embeddings.weight")
    H, V = cfg["hidden_size"], cfg["vocab_size"]
    expect = {
        "embeddings.word_embeddings.weight": (V, H),
        "embeddings.position_embeddings.weight": (cfg["max_position_embeddings"], H),
        "embeddings.token_type_embeddings.weight": (cfg["type_vocab_size"], H),
        "embeddings.LayerNorm.weight": (H,), "embeddings.LayerNorm.bias": (H,),
        "pooler.dense.weight": (H, H), "pooler.dense.bias": (H,),
    }
    for i, (heads, I) in enumerate(layer_sizes(cfg, arrays, prefix + "encoder.layer.%d.intermediate.dense.weight")):
        A = heads * (H // cfg["num_attention_heads"])  # q/k/v rows after head pruning
        for n in LAYER_NAMES:
            shape = (H,) if n.endswith("bias") or "LayerNorm" in n else (H, H)
            if n.startswith("attention.self"):
                shape = (A, H) if n.endswith("weight") else (A,)
            if n == "attention.output.dense.weight":
                shape = (H, A)
            if n.startswith("intermediate"):
                shape = (I, H) if n.endswith("weight") else (I,)
            if n == "output.dense.weight":
                shape = (H, I)
            expect["encoder.layer.%d.%s" % (i, n)] = shape
    params = {}
    for name, shape in expect.items():
        if prefix + name not in arrays:
            if name.startswith("pooler."):
                continue  # BertForMaskedLM checkpoints may lack the pooler
            raise KeyError("missing tensor " + prefix + name)
        arr = arrays[prefix + name]
        if tuple(arr.shape) != shape:
            raise ValueError("shape of %s is %s, config says %s" % (name, arr.shape, shape))
        params[name] = arr.astype(np.float64)  # exact widening from F32/F16/BF16
    wdtype = sorted(set(dtypes[prefix + n] for n in expect if prefix + n in dtypes))
    return cfg, params, prefix, wdtype


def layer_sizes(cfg, arrays, ffn_in_name, keys=("num_hidden_layers", "num_attention_heads",
                                                "intermediate_size")):
    """[(heads, ffn width)] per layer of a possibly structurally pruned model:
    heads = num_attention_heads - |pruned_heads[layer]| (HF prune_heads), FFN
    width read from the intermediate weight (row removal; <= the config's)."""
    L, nh, I = (cfg[k] for k in keys)
    pruned = {int(k): set(v) for k, v in (cfg.get("pruned_heads") or {}).items()}
    sizes = []
    for i in range(L):
        assert all(0 <= h < nh for h in pruned.get(i, ())), "pruned_heads out of range"
        width = arrays[ffn_in_name % i].shape[0] if ffn_in_name % i in arrays else I
        assert 0 < width <= I, "FFN width %d of layer %d outside (0, %d]" % (width, i, I)
        sizes.append((nh - len(pruned.get(i, ())), width))
    return sizes


def to_torch(params, dtype):
    return {k: torch.from_numpy(v).to(dtype) for k, v in params.items()}


# -------------------------------------------------------------------- model ---

def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)  # biased, as nn.LayerNorm
    return (x - mu) / torch.sqrt(var + eps) * w + b


def gelu(x):  # exact erf form (HF "gelu")
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def linear(x, P, name):
    return x @ P[name + ".weight"].T + P[name + ".bias"]


def self_attention(x, P, p, n_heads, d, ext_mask):
    B, S, H = x.shape

    def heads(t):  # [B,S,H] -> [B,nh,S,d]
        return t.view(B, S, n_heads, d).permute(0, 2, 1, 3)

    q = heads(linear(x, P, p + "attention.self.query"))
    k = heads(linear(x, P, p + "attention.self.key"))
    v = heads(linear(x, P, p + "attention.self.value"))
    scores = q @ k.transpose(-1, -2) / math.sqrt(d) + ext_mask  # [B,nh,S,S]
    probs = torch.softmax(scores, dim=-1)
    ctx = (probs @ v).permute(0, 2, 1, 3).reshape(B, S, n_heads * d)
    return ctx


def encoder_layer(x, P, i, cfg, ext_mask):
    p = "encoder.layer.%d." % i
    eps = cfg["layer_norm_eps"]
    d = cfg["hidden_size"] // cfg["num_attention_heads"]
    n_heads = P[p + "attention.self.query.weight"].shape[0] // d
    assert n_heads == layer_heads(cfg, i), "layer %d: weights disagree with pruned_heads" % i
    ctx = self_attention(x, P, p, n_heads, d, ext_mask)
    a = layer_norm(linear(ctx, P, p + "attention.output.dense") + x,
                   P[p + "attention.output.LayerNorm.weight"],
                   P[p + "attention.output.LayerNorm.bias"], eps)
    h = gelu(linear(a, P, p + "intermediate.dense"))
    return layer_norm(linear(h, P, p + "output.dense") + a,
                      P[p + "output.LayerNorm.weight"], P[p + "output.LayerNorm.bias"], eps)


def layer_heads(cfg, i):
    pruned = (cfg.get("pruned_heads") or {}).get(str(i), [])
    return cfg["num_attention_heads"] - len(set(pruned))


def extended_mask(attention_mask, dtype):
    m = attention_mask[:, None, None, :].to(dtype)  # [B,1,1,S]
    return (1.0 - m) * torch.finfo(dtype).min


def bert_forward(P, cfg, input_ids, attention_mask, token_type_ids=None):
    """input_ids/attention_mask: LongTensor [B,S].  Returns (last_hidden [B,S,H],
    pooler [B,H] or None)."""
    dtype = P["embeddings.word_embeddings.weight"].dtype
    B, S = input_ids.shape
    if token_type_ids is None:
        token_type_ids = torch.zeros_like(input_ids)
    pos = torch.arange(S)
    x = (P["embeddings.word_embeddings.weight"][input_ids]
         + P["embeddings.position_embeddings.weight"][pos][None]
         + P["embeddings.token_type_embeddings.weight"][token_type_ids])
    x = layer_norm(x, P["embeddings.LayerNorm.weight"], P["embeddings.LayerNorm.bias"],
                   cfg["layer_norm_eps"])
    ext = extended_mask(attention_mask, dtype)
    for i in range(cfg["num_hidden_layers"]):
        x = encoder_layer(x, P, i, cfg, ext)
    pooled = None
    if "pooler.dense.weight" in P:
        pooled = torch.tanh(linear(x[:, 0], P, "pooler.dense"))
    return x, pooled


def mean_pool(h, attention_mask):
    m = attention_mask[..., None].to(h.dtype)
    return (h * m).sum(-2) / torch.clamp(m.sum(-2), min=1e-9)


def l2_normalize(v):
    return v / torch.clamp(v.norm(dim=-1, keepdim=True), min=1e-12)


# --------------------------------------------------------------- self-checks ---

def self_check(P, cfg, enc):
    """Compare our pieces with torch.nn implementations.  Raises on failure."""
    torch.manual_seed(0)
    eps = cfg["layer_norm_eps"]
    H = cfg["hidden_size"]
    x = torch.randn(3, 7, H, dtype=torch.float64)
    w, b = torch.randn(H, dtype=torch.float64), torch.randn(H, dtype=torch.float64)
    errs = {
        "layer_norm": (layer_norm(x, w, b, eps) - F.layer_norm(x, (H,), w, b, eps)).abs().max().item(),
        "gelu": (gelu(x * 4) - F.gelu(x * 4)).abs().max().item(),
    }
    # one full encoder layer vs nn.TransformerEncoderLayer (post-norm, exact gelu)
    ids = torch.tensor(enc["input_ids"])
    am = torch.tensor(enc["attention_mask"])
    L, nh, I = ids.shape[1], cfg["num_attention_heads"], cfg["intermediate_size"]
    full = [i for i in range(cfg["num_hidden_layers"])
            if P["encoder.layer.%d.attention.self.query.weight" % i].shape[0] == H
            and P["encoder.layer.%d.intermediate.dense.weight" % i].shape[0] == I]
    if not full:  # nn.TransformerEncoderLayer cannot express a pruned layer
        return errs
    layer = torch.nn.TransformerEncoderLayer(H, nh, I, dropout=0.0, activation="gelu",
                                             layer_norm_eps=eps, batch_first=True,
                                             norm_first=False).double().eval()
    p = "encoder.layer.%d." % full[0]
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.cat([P[p + "attention.self.%s.weight" % n]
                                                        for n in ("query", "key", "value")]))
        layer.self_attn.in_proj_bias.copy_(torch.cat([P[p + "attention.self.%s.bias" % n]
                                                      for n in ("query", "key", "value")]))
        layer.self_attn.out_proj.weight.copy_(P[p + "attention.output.dense.weight"])
        layer.self_attn.out_proj.bias.copy_(P[p + "attention.output.dense.bias"])
        layer.norm1.weight.copy_(P[p + "attention.output.LayerNorm.weight"])
        layer.norm1.bias.copy_(P[p + "attention.output.LayerNorm.bias"])
        layer.linear1.weight.copy_(P[p + "intermediate.dense.weight"])
        layer.linear1.bias.copy_(P[p + "intermediate.dense.bias"])
        layer.linear2.weight.copy_(P[p + "output.dense.weight"])
        layer.linear2.bias.copy_(P[p + "output.dense.bias"])
        norm2 = layer.norm2
        norm2.weight.copy_(P[p + "output.LayerNorm.weight"])
        norm2.bias.copy_(P[p + "output.LayerNorm.bias"])
        xin = torch.randn(ids.shape[0], L, H, dtype=torch.float64)
        theirs = layer(xin, src_key_padding_mask=(am == 0))
        ours = encoder_layer(xin, P, full[0], cfg, extended_mask(am, torch.float64))
        valid = am.bool()
        errs["encoder_layer_vs_nn.TransformerEncoderLayer"] = \
            (theirs[valid] - ours[valid]).abs().max().item()
    for k, e in errs.items():
        if not e < 1e-9:
            raise AssertionError("self-check %s failed: max abs diff %g" % (k, e))
    return errs


def check_transformers(model_dir, P, cfg, enc):
    try:
        import transformers  # noqa: F401
    except Exception:
        return "transformers not importable: skipped"
    from transformers import BertConfig, BertModel
    model = BertModel(BertConfig.from_pretrained(model_dir)).double().eval()
    missing, _ = model.load_state_dict(dict(P), strict=False)
    missing = [m for m in missing if not m.endswith(("position_ids", "token_type_ids"))]
    if missing:
        raise AssertionError("transformers model missing %s" % missing)
    ids = torch.tensor(enc["input_ids"])
    am = torch.tensor(enc["attention_mask"])
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=am)
        ours, pooled = bert_forward(P, cfg, ids, am)
    valid = am.bool()
    e = (out.last_hidden_state[valid] - ours[valid]).abs().max().item()
    if pooled is not None:
        e = max(e, (out.pooler_output - pooled).abs().max().item())
    if not e < 1e-9:
        raise AssertionError("transformers BertModel disagrees: %g" % e)
    return "transformers %s BertModel agrees: max abs diff %.3g" % (transformers.__version__, e)


# ---------------------------------------------------------------------- main ---

def floats(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def main(argv=None):
    ap = argparse.ArgumentParser(description="BERT reference outputs (float64)")
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t0 = time.time()
    torch.set_grad_enabled(False)

    cfg, params, prefix, wdtype = load_model(a.model)
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError("only absolute position embeddings supported")
    if cfg.get("hidden_act", "gelu") != "gelu":
        raise ValueError("only hidden_act=gelu supported")
    P64, P32 = to_torch(params, torch.float64), to_torch(params, torch.float32)
    tok = BertTokenizerRef.from_dir(a.model, cfg["max_position_embeddings"])

    cases, max_noise = [], 0.0
    single = {}
    for text in TEST_TEXTS:
        enc = tok.encode(text)
        ids = torch.tensor([enc["input_ids"]])
        am = torch.tensor([enc["attention_mask"]])
        h64, pool64 = bert_forward(P64, cfg, ids, am)
        h32, pool32 = bert_forward(P32, cfg, ids, am)
        max_noise = max(max_noise, (h64 - h32.double()).abs().max().item())
        mp = mean_pool(h64, am)
        single[text] = h64[0]
        cases.append({
            "text": text, "tokens": enc["tokens"], "input_ids": enc["input_ids"],
            "token_type_ids": enc["token_type_ids"], "attention_mask": enc["attention_mask"],
            "shape": list(h64.shape[1:]), "last_hidden_state": floats(h64[0]),
            "mean_pooled": floats(mp[0]), "mean_pooled_normalized": floats(l2_normalize(mp)[0]),
            "pooler_output": floats(pool64[0]) if pool64 is not None else None,
        })
    long_case = cases[-1]
    assert len(long_case["input_ids"]) == tok.max_length, "long text was not truncated"
    assert long_case["input_ids"][-1] == tok.vocab["[SEP]"]

    # padded batch: unpadded rows must equal the single-sentence results
    for t in BATCH_TEXTS:
        if t not in single:
            enc = tok.encode(t)
            single[t] = bert_forward(P64, cfg, torch.tensor([enc["input_ids"]]),
                                     torch.tensor([enc["attention_mask"]]))[0][0]
    benc = tok.encode_batch(BATCH_TEXTS)
    bids, bam = torch.tensor(benc["input_ids"]), torch.tensor(benc["attention_mask"])
    bh, bpool = bert_forward(P64, cfg, bids, bam)
    bh32, _ = bert_forward(P32, cfg, bids, bam)
    valid = bam.bool()
    max_noise = max(max_noise, (bh[valid] - bh32.double()[valid]).abs().max().item())
    batch_err = 0.0
    for b, t in enumerate(BATCH_TEXTS):
        n = int(bam[b].sum())
        batch_err = max(batch_err, (bh[b, :n] - single[t]).abs().max().item())
    assert batch_err < 1e-6, "batched != single: %g" % batch_err
    bmp = mean_pool(bh, bam)
    batch = {"texts": BATCH_TEXTS, "input_ids": benc["input_ids"],
             "attention_mask": benc["attention_mask"], "shape": list(bh.shape),
             "last_hidden_state": floats(bh),
             "mean_pooled": [floats(r) for r in bmp],
             "mean_pooled_normalized": [floats(r) for r in l2_normalize(bmp)],
             "pooler_output": [floats(r) for r in bpool] if bpool is not None else None}

    sims = []
    for t in SIMILARITY:
        enc = tok.encode(t)
        am = torch.tensor([enc["attention_mask"]])
        h, _ = bert_forward(P64, cfg, torch.tensor([enc["input_ids"]]), am)
        sims.append(l2_normalize(mean_pool(h, am))[0])
    cosine = float((sims[0] * sims[1]).sum())

    checks = self_check(P64, cfg, benc)
    hf = check_transformers(a.model, P64, cfg, benc)

    out = {
        "model": {
            "hidden_size": cfg["hidden_size"], "num_hidden_layers": cfg["num_hidden_layers"],
            "num_attention_heads": cfg["num_attention_heads"],
            "intermediate_size": cfg["intermediate_size"], "vocab_size": cfg["vocab_size"],
            "max_position_embeddings": cfg["max_position_embeddings"],
            "type_vocab_size": cfg["type_vocab_size"], "layer_norm_eps": cfg["layer_norm_eps"],
            "weights_dtype": wdtype, "tensor_prefix": prefix,
            "reference_dtype": "float64",
            "float32_vs_float64_max_abs_diff": max_noise,
            "batch_vs_single_max_abs_diff": batch_err,
            "self_checks": checks, "transformers_check": hf,
        },
        "cases": cases, "batch": batch,
        "similarity": {"a": SIMILARITY[0], "b": SIMILARITY[1], "cosine": cosine},
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
        f.write("\n")
    print("cases %d (seq lens %s), weights %s%s" % (
        len(cases), [len(c["input_ids"]) for c in cases], "/".join(wdtype),
        ", prefix %r" % prefix if prefix else ""))
    print("float32 vs float64 max |diff| (last_hidden_state): %.3g" % max_noise)
    print("batch vs single max |diff| (float64): %.3g" % batch_err)
    print("self-checks: " + ", ".join("%s %.2g" % kv for kv in checks.items()))
    print(hf)
    print("similarity cos(%r, %r) = %.6f" % (SIMILARITY[0], SIMILARITY[1], cosine))
    print("wrote %s (%d bytes) in %.2fs" % (a.out, os.path.getsize(a.out), time.time() - t0))


if __name__ == "__main__":
    main()
