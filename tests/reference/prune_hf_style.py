#!/usr/bin/python3
"""Structurally prune a BERT / DistilBERT checkpoint the way Hugging Face does
(numpy only, independent of the C++ pruner).

    prune_hf_style.py --model DIR --out DIR2 --heads '{"1": [0, 2]}' --ffn '{"1": 100}' [--seed 0]
    prune_hf_style.py --model DIR --out DIR2 --heads-fraction 0.5 --ffn-fraction 0.25

Heads (modeling_utils.prune_linear_layer via BertSelfAttention.prune_heads):
the rows of query/key/value (weights and biases) belonging to the removed
heads are dropped, and the same columns of the attention output dense; the
config's pruned_heads records the removed *original* head indices per layer
(HF maps indices of an already pruned layer back to the original ones).
FFN: rows of the intermediate dense (weight, bias) and the same columns of
the output dense are dropped, the layer's width read back from the shapes.

Explicit mode: --heads names original head indices per layer; --ffn the
number of neurons to keep per layer, chosen at random with --seed.
Fraction mode (what `pocketformer prune` does by weight magnitude): per layer,
round(fraction * count) (halves up) heads / neurons with the smallest score
go, ties removing the lower index first; a head's score is the L2 norm of its
q, k, v weight rows and attention-output weight columns, a neuron's the L2
norm of its intermediate weight row and output weight column (float64).

Tensors keep their stored dtype (the selection copies stored values); every
other file in DIR is copied.
"""

import argparse
import json
import math
import os
import shutil
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

NAMES = {  # model_type -> (layer prefix, q, k, v, attention out, ffn in, ffn out, config keys)
    "bert": ("encoder.layer.%d.", "attention.self.query", "attention.self.key",
             "attention.self.value", "attention.output.dense", "intermediate.dense",
             "output.dense", ("num_attention_heads", "hidden_size", "num_hidden_layers")),
    "distilbert": ("transformer.layer.%d.", "attention.q_lin", "attention.k_lin",
                   "attention.v_lin", "attention.out_lin", "ffn.lin1", "ffn.lin2",
                   ("n_heads", "dim", "n_layers")),
}
PREFIXES = ("", "bert.", "distilbert.")


def as_f64(raw, dtype):
    if dtype == "BF16":
        return safetensors_io.bf16_bits_to_f32(raw).astype(np.float64)
    return raw.astype(np.float64)


def remove_count(fraction, n):
    return int(math.floor(fraction * n + 0.5))


def smallest(scores, count):
    return sorted(np.argsort(np.asarray(scores), kind="stable")[:count].tolist())


def check_equals_masking(model_dir, out_dir, cfg, removed_rows, removed_ffn):
    """Self-check: removing a head's rows / a neuron's row and column must equal
    keeping them with their output-projection columns zeroed (their whole
    contribution), through the float64 reference forward. Raises otherwise."""
    import torch
    import bert_reference as br
    import distilbert_reference as dr
    bert = cfg["model_type"] == "bert"
    load = (lambda d: br.load_model(d)[:2]) if bert else (lambda d: dr.load_distilbert(d)[:2])
    forward = (lambda P, c, i, m: br.bert_forward(P, c, i, m)[0]) if bert else dr.distilbert_forward
    lp, _, _, _, on, _, outn, _ = NAMES[cfg["model_type"]]
    cfg_in, P_in = load(model_dir)
    cfg_out, P_out = load(out_dir)
    for layer, rows in removed_rows.items():
        P_in[(lp % layer) + on + ".weight"][:, rows] = 0.0
        P_in[(lp % layer) + outn + ".weight"][:, removed_ffn[layer]] = 0.0
    rng = np.random.default_rng(0)
    ids = torch.tensor(rng.integers(0, cfg["vocab_size"], size=(2, 9)))
    mask = torch.tensor([[1] * 9, [1] * 6 + [0] * 3])
    with torch.no_grad():
        a = forward(br.to_torch(P_in, torch.float64), cfg_in, ids, mask)
        b = forward(br.to_torch(P_out, torch.float64), cfg_out, ids, mask)
    err = (a - b)[mask.bool()].abs().max().item()
    if not err < 1e-10:
        raise AssertionError("pruned model differs from the masked original by %g" % err)
    return err


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--heads", default="{}", help="JSON {layer: [original head indices]}")
    ap.add_argument("--ffn", default="{}", help="JSON {layer: neurons to keep}")
    ap.add_argument("--heads-fraction", type=float, default=None)
    ap.add_argument("--ffn-fraction", type=float, default=None)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)

    with open(os.path.join(a.model, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    lp, qn, kn, vn, on, inn, outn, keys = NAMES[cfg["model_type"]]
    nh, H, L = (cfg[k] for k in keys)
    d = H // nh
    raw, dtypes, _ = safetensors_io.read_file(os.path.join(a.model, "model.safetensors"),
                                              to_float32=False)
    prefix = next(p for p in PREFIXES if p + "embeddings.word_embeddings.weight" in raw)
    rng = np.random.default_rng(a.seed)
    pruned = {int(k): sorted(set(v)) for k, v in (cfg.get("pruned_heads") or {}).items()}
    heads_arg = {int(k): v for k, v in json.loads(a.heads).items()}
    ffn_arg = {int(k): v for k, v in json.loads(a.ffn).items()}

    removed_rows, removed_ffn = {}, {}  # per layer, in the input model's rows / neurons

    def t(layer, name):
        return prefix + (lp % layer) + name

    for layer in range(L):
        kept = [h for h in range(nh) if h not in pruned.get(layer, [])]  # original indices
        W = {n: as_f64(raw[t(layer, n + ".weight")], dtypes[t(layer, n + ".weight")])
             for n in (qn, kn, vn, on, inn, outn)}
        assert W[qn].shape[0] == len(kept) * d, "pruned_heads disagrees with the weights"
        if a.heads_fraction is not None:
            scores = [math.sqrt(sum((W[n][i * d:(i + 1) * d] ** 2).sum() for n in (qn, kn, vn))
                                + (W[on][:, i * d:(i + 1) * d] ** 2).sum())
                      for i in range(len(kept))]
            drop_now = smallest(scores, remove_count(a.heads_fraction, len(kept)))
        else:
            drop_now = [kept.index(h) for h in heads_arg.get(layer, [])]
        width = W[inn].shape[0]
        if a.ffn_fraction is not None:
            scores = np.sqrt((W[inn] ** 2).sum(1) + (W[outn] ** 2).sum(0))
            keep_ffn = [j for j in range(width)
                        if j not in set(smallest(scores, remove_count(a.ffn_fraction, width)))]
        elif layer in ffn_arg:
            keep_ffn = sorted(rng.choice(width, size=ffn_arg[layer], replace=False).tolist())
        else:
            keep_ffn = list(range(width))
        if drop_now:
            pruned[layer] = sorted(pruned.get(layer, []) + [kept[i] for i in drop_now])
        rows = [i * d + j for i in range(len(kept)) if i not in drop_now for j in range(d)]
        removed_rows[layer] = [r for r in range(len(kept) * d) if r not in rows]
        removed_ffn[layer] = [j for j in range(width) if j not in keep_ffn]
        for n in (qn, kn, vn):
            raw[t(layer, n + ".weight")] = raw[t(layer, n + ".weight")][rows]
            raw[t(layer, n + ".bias")] = raw[t(layer, n + ".bias")][rows]
        raw[t(layer, on + ".weight")] = raw[t(layer, on + ".weight")][:, rows]
        raw[t(layer, inn + ".weight")] = raw[t(layer, inn + ".weight")][keep_ffn]
        raw[t(layer, inn + ".bias")] = raw[t(layer, inn + ".bias")][keep_ffn]
        raw[t(layer, outn + ".weight")] = raw[t(layer, outn + ".weight")][:, keep_ffn]

    os.makedirs(a.out, exist_ok=True)
    for name in os.listdir(a.model):
        if name not in ("config.json", "model.safetensors", "reference.json"):
            shutil.copy(os.path.join(a.model, name), os.path.join(a.out, name))
    cfg["pruned_heads"] = {str(k): v for k, v in sorted(pruned.items()) if v}
    with open(os.path.join(a.out, "config.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    tensors = {k: (dtypes[k], raw[k]) for k in sorted(raw)}
    n = safetensors_io.write_file(os.path.join(a.out, "model.safetensors"), tensors,
                                  metadata={"format": "pt"})
    err = check_equals_masking(a.model, a.out, cfg, removed_rows, removed_ffn)
    print("wrote %s: pruned_heads %s, ffn widths %s, %d bytes; vs masked original %.2g" % (
        a.out, cfg["pruned_heads"],
        [int(raw[t(i, inn + ".weight")].shape[0]) for i in range(L)], n, err))


if __name__ == "__main__":
    main()
