#!/usr/bin/python3
"""Independent PyTorch reference for DistilBERT (HF DistilBertModel semantics).

    /usr/bin/python3 tests/reference/distilbert_reference.py --model DIR --out reference.json

Reads DIR/config.json (model_type "distilbert"), DIR/model.safetensors
(F32/F16/BF16, tensor names bare or behind "distilbert."), DIR/vocab.txt and
DIR/tokenizer_config.json.  Runs bert_reference.py's sentences in float64
(stored) and float32 (only to report the reference's own noise), checks itself
against torch.nn building blocks, and writes JSON in bert_reference.py's
layout minus what DistilBERT lacks (no pooler_output, no token_type_ids):

  {"model": {"model_type": "distilbert", config summary, "weights_dtype",
             "float32_vs_float64_max_abs_diff", "self_checks", ...},
   "cases": [{"text", "tokens", "input_ids", "attention_mask", "shape": [seq, dim],
              "last_hidden_state": flat row-major, "mean_pooled",
              "mean_pooled_normalized"}],
   "batch": {"texts", "input_ids", "attention_mask", "shape": [B, L, dim],
             "last_hidden_state": flat (padded rows included), "mean_pooled",
             "mean_pooled_normalized"},
   "similarity": {"a", "b", "cosine"}}

Model (modeling_distilbert.py, eval mode; LayerNorm eps is hard-coded 1e-12):
  x = LN(word[ids] + pos[0..S-1])                        (no token types)
  per layer: q,k,v = {q,k,v}_lin(x) split in heads; q = q / sqrt(dim/n_heads)
             s = q k^T, masked_fill(attention_mask == 0, finfo(dtype).min); p = softmax(s)
             sa = sa_layer_norm(out_lin(p v) + x)
             x  = output_layer_norm(lin2(gelu_erf(lin1(sa))) + sa)
  mean pooling / normalisation exactly as bert_reference.py.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_reference as br  # noqa: E402  (sentences, LN/GELU/linear, pooling)
import safetensors_io  # noqa: E402
from bert_tokenizer import BertTokenizerRef  # noqa: E402

LN_EPS = 1e-12  # modeling_distilbert: nn.LayerNorm(dim, eps=1e-12), not configurable
PREFIXES = ("", "distilbert.")
BLOCK_TENSORS = [  # (name inside transformer.layer.{i}., shape in terms of D / H / A = kept heads * head size)
    ("attention.q_lin.weight", "AD"), ("attention.q_lin.bias", "A"),
    ("attention.k_lin.weight", "AD"), ("attention.k_lin.bias", "A"),
    ("attention.v_lin.weight", "AD"), ("attention.v_lin.bias", "A"),
    ("attention.out_lin.weight", "DA"), ("attention.out_lin.bias", "D"),
    ("sa_layer_norm.weight", "D"), ("sa_layer_norm.bias", "D"),
    ("ffn.lin1.weight", "HD"), ("ffn.lin1.bias", "H"),
    ("ffn.lin2.weight", "DH"), ("ffn.lin2.bias", "D"),
    ("output_layer_norm.weight", "D"), ("output_layer_norm.bias", "D"),
]


# ------------------------------------------------------------------ loading ---

def load_distilbert(model_dir):
    """-> (config dict, {bare name: float64 ndarray}, prefix, [weight dtypes])."""
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    if cfg.get("model_type") != "distilbert":
        raise ValueError("config model_type is %r, expected 'distilbert'" % cfg.get("model_type"))
    if cfg.get("activation", "gelu") != "gelu":
        raise ValueError("only activation=gelu supported, got %r" % cfg["activation"])
    if cfg["dim"] % cfg["n_heads"]:
        raise ValueError("n_heads %d does not divide dim %d" % (cfg["n_heads"], cfg["dim"]))
    arrays, dtypes, _ = safetensors_io.read_file(os.path.join(model_dir, "model.safetensors"))
    found = [p for p in PREFIXES if p + "embeddings.word_embeddings.weight" in arrays]
    if len(found) != 1:
        raise KeyError("need exactly one of %s" % [p + "embeddings.word_embeddings.weight"
                                                   for p in PREFIXES])
    prefix = found[0]
    sizes = {"D": cfg["dim"], "H": cfg["hidden_dim"], "A": cfg["dim"]}
    expect = {
        "embeddings.word_embeddings.weight": (cfg["vocab_size"], cfg["dim"]),
        "embeddings.position_embeddings.weight": (cfg["max_position_embeddings"], cfg["dim"]),
        "embeddings.LayerNorm.weight": (cfg["dim"],),
        "embeddings.LayerNorm.bias": (cfg["dim"],),
    }
    sizes_per_layer = br.layer_sizes(cfg, arrays, prefix + "transformer.layer.%d.ffn.lin1.weight",
                                     ("n_layers", "n_heads", "hidden_dim"))
    for i, (heads, width) in enumerate(sizes_per_layer):
        # Pruned layers: q/k/v rows and out_lin columns of the kept heads (A),
        # lin1 rows / lin2 columns of the kept neurons (H).
        sizes.update(A=heads * (cfg["dim"] // cfg["n_heads"]), H=width)
        for name, dims in BLOCK_TENSORS:
            expect["transformer.layer.%d.%s" % (i, name)] = tuple(sizes[c] for c in dims)
    params = {}
    for name, shape in expect.items():
        arr = arrays.get(prefix + name)
        if arr is None:
            raise KeyError("missing tensor " + prefix + name)
        if tuple(arr.shape) != shape:
            raise ValueError("%s has shape %s, config implies %s" % (name, arr.shape, shape))
        params[name] = arr.astype(np.float64)  # exact widening from F32/F16/BF16
    return cfg, params, prefix, sorted({dtypes[prefix + n] for n in expect})


# -------------------------------------------------------------------- model ---

def mhsa(x, P, blk, n_heads, attention_mask, dph=None):
    """MultiHeadSelfAttention.forward (query = key = value = x), incl. out_lin.
    A pruned layer has fewer heads of the same size dph = dim / config n_heads."""
    bs, seq, dim = x.shape
    dph = dph or dim // n_heads

    def split(t):
        return t.view(bs, seq, n_heads, dph).transpose(1, 2)

    q = split(br.linear(x, P, blk + "attention.q_lin")) / math.sqrt(dph)
    k = split(br.linear(x, P, blk + "attention.k_lin"))
    v = split(br.linear(x, P, blk + "attention.v_lin"))
    scores = q @ k.transpose(2, 3)
    masked = (attention_mask == 0).view(bs, 1, 1, seq).expand_as(scores)
    scores = scores.masked_fill(masked, torch.finfo(scores.dtype).min)
    ctx = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(bs, seq, n_heads * dph)
    return br.linear(ctx, P, blk + "attention.out_lin")


def transformer_block(x, P, i, n_heads, attention_mask, dph=None):
    blk = "transformer.layer.%d." % i
    sa = br.layer_norm(mhsa(x, P, blk, n_heads, attention_mask, dph) + x,
                       P[blk + "sa_layer_norm.weight"], P[blk + "sa_layer_norm.bias"], LN_EPS)
    ffn = br.linear(br.gelu(br.linear(sa, P, blk + "ffn.lin1")), P, blk + "ffn.lin2")
    return br.layer_norm(ffn + sa, P[blk + "output_layer_norm.weight"],
                         P[blk + "output_layer_norm.bias"], LN_EPS)


def embed(P, input_ids):
    pos = torch.arange(input_ids.shape[1])
    e = P["embeddings.word_embeddings.weight"][input_ids] + \
        P["embeddings.position_embeddings.weight"][pos][None]
    return br.layer_norm(e, P["embeddings.LayerNorm.weight"], P["embeddings.LayerNorm.bias"],
                         LN_EPS)


def distilbert_forward(P, cfg, input_ids, attention_mask):
    """LongTensors [B,S] -> last_hidden_state [B,S,dim] in the dtype of P."""
    x = embed(P, input_ids)
    dph = cfg["dim"] // cfg["n_heads"]
    for i in range(cfg["n_layers"]):
        heads = P["transformer.layer.%d.attention.q_lin.weight" % i].shape[0] // dph
        assert heads == cfg["n_heads"] - len(set((cfg.get("pruned_heads") or {}).get(str(i), [])))
        x = transformer_block(x, P, i, heads, attention_mask, dph)
    return x


# --------------------------------------------------------------- self-checks ---

def self_check(P, cfg, enc):
    """Compare our pieces with torch.nn implementations (float64).  Raises on failure."""
    D, nh = cfg["dim"], cfg["n_heads"]
    ids, am = torch.tensor(enc["input_ids"]), torch.tensor(enc["attention_mask"])
    valid = am.bool()
    torch.manual_seed(0)
    x = torch.randn(ids.shape[0], ids.shape[1], D, dtype=torch.float64)
    full = [i for i in range(cfg["n_layers"])  # nn modules cannot express pruned layers
            if P["transformer.layer.%d.attention.q_lin.weight" % i].shape[0] == D
            and P["transformer.layer.%d.ffn.lin1.weight" % i].shape[0] == cfg["hidden_dim"]]
    if not full:
        return {}
    blk = "transformer.layer.%d." % full[0]
    errs = {}

    def cat(kind):
        return torch.cat([P[blk + "attention.%s_lin.%s" % (n, kind)] for n in "qkv"])

    # embeddings vs nn.Embedding + nn.LayerNorm
    word = torch.nn.Embedding.from_pretrained(P["embeddings.word_embeddings.weight"])
    posn = torch.nn.Embedding.from_pretrained(P["embeddings.position_embeddings.weight"])
    ln = torch.nn.LayerNorm(D, eps=LN_EPS).double()
    mha = torch.nn.MultiheadAttention(D, nh, dropout=0.0, batch_first=True).double().eval()
    enc_layer = torch.nn.TransformerEncoderLayer(
        D, nh, cfg["hidden_dim"], dropout=0.0, activation="gelu", layer_norm_eps=LN_EPS,
        batch_first=True, norm_first=False).double().eval()
    with torch.no_grad():
        ln.weight.copy_(P["embeddings.LayerNorm.weight"])
        ln.bias.copy_(P["embeddings.LayerNorm.bias"])
        theirs = ln(word(ids) + posn(torch.arange(ids.shape[1]))[None])
        errs["embeddings_vs_nn.Embedding+LayerNorm"] = (theirs - embed(P, ids)).abs().max().item()

        # attention vs nn.MultiheadAttention with key_padding_mask
        for m in (mha.in_proj_weight, enc_layer.self_attn.in_proj_weight):
            m.copy_(cat("weight"))
        for m in (mha.in_proj_bias, enc_layer.self_attn.in_proj_bias):
            m.copy_(cat("bias"))
        for m in (mha.out_proj, enc_layer.self_attn.out_proj):
            m.weight.copy_(P[blk + "attention.out_lin.weight"])
            m.bias.copy_(P[blk + "attention.out_lin.bias"])
        theirs, _ = mha(x, x, x, key_padding_mask=~valid, need_weights=False)
        ours = mhsa(x, P, blk, nh, am)
        errs["attention_vs_nn.MultiheadAttention"] = (theirs[valid] - ours[valid]).abs().max().item()

        # one full block vs nn.TransformerEncoderLayer (post-norm, exact gelu)
        pairs = [(enc_layer.norm1, "sa_layer_norm"), (enc_layer.linear1, "ffn.lin1"),
                 (enc_layer.linear2, "ffn.lin2"), (enc_layer.norm2, "output_layer_norm")]
        for mod, name in pairs:
            mod.weight.copy_(P[blk + name + ".weight"])
            mod.bias.copy_(P[blk + name + ".bias"])
        theirs = enc_layer(x, src_key_padding_mask=~valid)
        ours = transformer_block(x, P, full[0], nh, am)
        errs["block_vs_nn.TransformerEncoderLayer"] = (theirs[valid] - ours[valid]).abs().max().item()
    bad = {k: e for k, e in errs.items() if not e < 1e-9}
    if bad:
        raise AssertionError("self-check failed (max abs diff): %s" % bad)
    return errs


def bert_cross_check(P, cfg, enc):
    """Same weights renamed into a BertModel with zero token-type embeddings and
    run through bert_reference.bert_forward (additive mask instead of
    masked_fill): must agree on every unpadded position."""
    D = cfg["dim"]
    bert_names = {"attention.q_lin": "attention.self.query", "attention.k_lin": "attention.self.key",
                  "attention.v_lin": "attention.self.value",
                  "attention.out_lin": "attention.output.dense",
                  "sa_layer_norm": "attention.output.LayerNorm",
                  "ffn.lin1": "intermediate.dense", "ffn.lin2": "output.dense",
                  "output_layer_norm": "output.LayerNorm"}
    Pb = {k: v for k, v in P.items() if k.startswith("embeddings.")}
    Pb["embeddings.token_type_embeddings.weight"] = torch.zeros(2, D, dtype=torch.float64)
    for i in range(cfg["n_layers"]):
        for ours, theirs in bert_names.items():
            for kind in ("weight", "bias"):
                Pb["encoder.layer.%d.%s.%s" % (i, theirs, kind)] = \
                    P["transformer.layer.%d.%s.%s" % (i, ours, kind)]
    bcfg = {"layer_norm_eps": LN_EPS, "num_hidden_layers": cfg["n_layers"],
            "num_attention_heads": cfg["n_heads"], "hidden_size": D,
            "pruned_heads": cfg.get("pruned_heads")}
    ids, am = torch.tensor(enc["input_ids"]), torch.tensor(enc["attention_mask"])
    hb, _ = br.bert_forward(Pb, bcfg, ids, am)
    hd = distilbert_forward(P, cfg, ids, am)
    valid = am.bool()
    e = (hb[valid] - hd[valid]).abs().max().item()
    if not e < 1e-9:
        raise AssertionError("bert_reference cross-check failed: %g" % e)
    return e


# ---------------------------------------------------------------------- main ---

def pooled(h, am):
    """-> (mean_pooled, mean_pooled_normalized), both [B, dim]."""
    mp = br.mean_pool(h, am)
    return mp, br.l2_normalize(mp)


def main(argv=None):
    ap = argparse.ArgumentParser(description="DistilBERT reference outputs (float64)")
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t0 = time.time()
    torch.set_grad_enabled(False)

    cfg, params, prefix, wdtype = load_distilbert(a.model)
    P64, P32 = br.to_torch(params, torch.float64), br.to_torch(params, torch.float32)
    tok = BertTokenizerRef.from_dir(a.model, cfg["max_position_embeddings"])
    noise = 0.0

    def run(enc):
        """Tokenizer output -> float64 hidden states; tracks float32 noise."""
        nonlocal noise
        ids, am = torch.tensor(enc["input_ids"]), torch.tensor(enc["attention_mask"])
        h = distilbert_forward(P64, cfg, ids, am)
        h32 = distilbert_forward(P32, cfg, ids, am).double()
        valid = am.bool()
        noise = max(noise, (h[valid] - h32[valid]).abs().max().item())
        return h, am

    cases, single = [], {}
    for text in br.TEST_TEXTS:
        enc = tok.encode(text)
        h, am = run({k: [v] for k, v in enc.items()})
        mp, mpn = pooled(h, am)
        single[text] = h[0]
        cases.append({"text": text, "tokens": enc["tokens"], "input_ids": enc["input_ids"],
                      "attention_mask": enc["attention_mask"], "shape": list(h.shape[1:]),
                      "last_hidden_state": br.floats(h[0]), "mean_pooled": br.floats(mp[0]),
                      "mean_pooled_normalized": br.floats(mpn[0])})
    if len(cases[-1]["input_ids"]) != tok.max_length:
        raise AssertionError("long text was not truncated to %d" % tok.max_length)

    benc = tok.encode_batch(br.BATCH_TEXTS)
    bh, bam = run(benc)
    batch_err = 0.0
    for b, text in enumerate(br.BATCH_TEXTS):
        alone = single.get(text)
        if alone is None:
            alone = run({k: [v] for k, v in tok.encode(text).items()})[0][0]
        n = int(bam[b].sum())
        batch_err = max(batch_err, (bh[b, :n] - alone).abs().max().item())
    if not batch_err < 1e-6:
        raise AssertionError("batched != single: %g" % batch_err)
    bmp, bmpn = pooled(bh, bam)
    batch = {"texts": br.BATCH_TEXTS, "input_ids": benc["input_ids"],
             "attention_mask": benc["attention_mask"], "shape": list(bh.shape),
             "last_hidden_state": br.floats(bh),
             "mean_pooled": [br.floats(r) for r in bmp],
             "mean_pooled_normalized": [br.floats(r) for r in bmpn]}

    unit = [pooled(*run({k: [v] for k, v in tok.encode(t).items()}))[1][0]
            for t in br.SIMILARITY]
    cosine = float((unit[0] * unit[1]).sum())

    checks = self_check(P64, cfg, benc)
    checks["forward_vs_bert_reference_renamed"] = bert_cross_check(P64, cfg, benc)

    out = {
        "model": {
            "model_type": "distilbert", "dim": cfg["dim"], "n_layers": cfg["n_layers"],
            "n_heads": cfg["n_heads"], "hidden_dim": cfg["hidden_dim"],
            "vocab_size": cfg["vocab_size"],
            "max_position_embeddings": cfg["max_position_embeddings"],
            "sinusoidal_pos_embds": cfg.get("sinusoidal_pos_embds", False),
            "layer_norm_eps": LN_EPS, "weights_dtype": wdtype, "tensor_prefix": prefix,
            "reference_dtype": "float64",
            "float32_vs_float64_max_abs_diff": noise,
            "batch_vs_single_max_abs_diff": batch_err,
            "self_checks": checks,
        },
        "cases": cases, "batch": batch,
        "similarity": {"a": br.SIMILARITY[0], "b": br.SIMILARITY[1], "cosine": cosine},
    }
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(json.dumps(out, ensure_ascii=False) + "\n")
    print("distilbert: %d cases (seq lens %s), weights %s, prefix %r"
          % (len(cases), [len(c["input_ids"]) for c in cases], "/".join(wdtype), prefix))
    print("float32 vs float64 max |diff| (unpadded last_hidden_state): %.3g" % noise)
    print("batch vs single max |diff| (float64): %.3g" % batch_err)
    print("self-checks: " + ", ".join("%s %.2g" % kv for kv in checks.items()))
    print("similarity cos(%r, %r) = %.6f" % (br.SIMILARITY[0], br.SIMILARITY[1], cosine))
    print("wrote %s (%d bytes) in %.2fs" % (a.out, os.path.getsize(a.out), time.time() - t0))


if __name__ == "__main__":
    main()
