#!/usr/bin/env python3
"""Write a seeded, random, tiny BERT or DistilBERT *task* checkpoint in real
Hugging Face layout (numpy only): the encoder of make_tiny_bert.py /
make_tiny_distilbert.py behind its task prefix, plus a head.

    make_tiny_bert_heads.py --out DIR --arch bert|distilbert
                            --head seq-cls|multi-label|token-cls|qa|mlm [--seed 0]

Heads (tensor names as modeling_bert.py / modeling_distilbert.py save them):
  seq-cls / multi-label / nli (labels contradiction, neutral, entailment)
                         BERT: bert.pooler.dense + classifier   (BertForSequenceClassification)
                         DistilBERT: pre_classifier + classifier (DistilBertForSequenceClassification)
                         multi-label adds problem_type multi_label_classification
  token-cls              classifier [labels, H]                  (*ForTokenClassification)
  qa                     qa_outputs [2, H]                       (*ForQuestionAnswering)
  mlm                    BERT: cls.predictions.transform.{dense, LayerNorm}, cls.predictions.bias
                         DistilBERT: vocab_transform, vocab_layer_norm, vocab_projector.bias
                         (decoder / vocab_projector weight tied to the word embeddings,
                         so not stored, as save_pretrained does)
BERT checkpoints other than sequence classification have no pooler
(add_pooling_layer=False).  Head weights are drawn after the encoder's from
their own generator (seed + 1000): matrices N(0, 0.2^2), biases 0.1 N(0,1),
LayerNorm gammas 1 + 0.1 N(0,1).
"""

import argparse
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import make_tiny_bert as mtb  # noqa: E402
import make_tiny_distilbert as mtd  # noqa: E402

LABELS = {
    "seq-cls": ["negative", "neutral", "positive"],
    "multi-label": ["sports", "politics", "tech", "music"],
    "token-cls": ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"],
    "nli": ["contradiction", "neutral", "entailment"],  # MNLI order, as zero-shot models have
}
ARCHITECTURES = {
    ("bert", "seq-cls"): "BertForSequenceClassification",
    ("bert", "multi-label"): "BertForSequenceClassification",
    ("bert", "token-cls"): "BertForTokenClassification",
    ("bert", "qa"): "BertForQuestionAnswering",
    ("bert", "mlm"): "BertForMaskedLM",
    ("bert", "nli"): "BertForSequenceClassification",
    ("distilbert", "nli"): "DistilBertForSequenceClassification",
    ("distilbert", "seq-cls"): "DistilBertForSequenceClassification",
    ("distilbert", "multi-label"): "DistilBertForSequenceClassification",
    ("distilbert", "token-cls"): "DistilBertForTokenClassification",
    ("distilbert", "qa"): "DistilBertForQuestionAnswering",
    ("distilbert", "mlm"): "DistilBertForMaskedLM",
}


def head_weights(arch, head, H, seed):
    rng = np.random.default_rng(seed + 1000)
    w = {}

    def lin(name, n_out, n_in):
        w[name + ".weight"] = (0.2 * rng.standard_normal((n_out, n_in))).astype(np.float32)
        w[name + ".bias"] = (0.1 * rng.standard_normal(n_out)).astype(np.float32)

    def norm(name):
        w[name + ".weight"] = (1.0 + 0.1 * rng.standard_normal(H)).astype(np.float32)
        w[name + ".bias"] = (0.1 * rng.standard_normal(H)).astype(np.float32)

    if head in ("seq-cls", "multi-label", "nli"):
        if arch == "distilbert":
            lin("pre_classifier", H, H)
        lin("classifier", len(LABELS[head]), H)
    elif head == "token-cls":
        lin("classifier", len(LABELS[head]), H)
    elif head == "qa":
        lin("qa_outputs", 2, H)
    elif head == "mlm":
        if arch == "bert":
            lin("cls.predictions.transform.dense", H, H)
            norm("cls.predictions.transform.LayerNorm")
        else:
            lin("vocab_transform", H, H)
            norm("vocab_layer_norm")
    return w, rng


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--arch", required=True, choices=["bert", "distilbert"])
    ap.add_argument("--head", required=True, choices=["seq-cls", "multi-label", "nli", "token-cls", "qa", "mlm"])
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)

    vocab = mtb.build_vocab()
    V = len(vocab)
    if a.arch == "bert":
        base = argparse.Namespace(
            seed=a.seed, hidden=64, layers=2, heads=4, intermediate=128, max_pos=128, dtype="F32")
        enc = mtb.make_weights(base, V)
        if a.head not in ("seq-cls", "multi-label", "nli"):
            enc = {k: v for k, v in enc.items() if not k.startswith("pooler.")}
        config = mtb.make_config(base, V)
        prefix, H = "bert.", base.hidden
        tok_config = None
    else:
        base = argparse.Namespace(seed=a.seed, dim=64, layers=2, heads=4, hidden_dim=128,
                                  max_pos=128, dtype="F32")
        enc = mtd.random_distilbert(base, V)
        config = mtd.distilbert_config(base, V)
        prefix, H = "distilbert.", base.dim
        tok_config = mtd.distilbert_tokenizer_config(base)

    head, rng = head_weights(a.arch, a.head, H, a.seed)
    if a.head == "mlm":
        bias_name = "cls.predictions.bias" if a.arch == "bert" else "vocab_projector.bias"
        head[bias_name] = (0.1 * rng.standard_normal(V)).astype(np.float32)

    config["architectures"] = [ARCHITECTURES[(a.arch, a.head)]]
    if a.head in LABELS:
        labels = LABELS[a.head]
        config["id2label"] = {str(i): l for i, l in enumerate(labels)}
        config["label2id"] = {l: i for i, l in enumerate(labels)}
    if a.head == "multi-label":
        config["problem_type"] = "multi_label_classification"

    os.makedirs(a.out, exist_ok=True)

    def dump_json(name, obj):
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")

    dump_json("config.json", config)
    if tok_config is None:
        tok_config = {"do_lower_case": True, "model_max_length": 128,
                      "tokenizer_class": "BertTokenizer", "cls_token": "[CLS]",
                      "sep_token": "[SEP]", "pad_token": "[PAD]", "mask_token": "[MASK]",
                      "unk_token": "[UNK]", "clean_up_tokenization_spaces": True}
    dump_json("tokenizer_config.json", tok_config)
    with open(os.path.join(a.out, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(t + "\n" for t in vocab))
    tensors = {prefix + k: ("F32", v) for k, v in enc.items()}
    tensors.update({k: ("F32", v) for k, v in head.items()})
    n = safetensors_io.write_file(os.path.join(a.out, "model.safetensors"),
                                  dict(sorted(tensors.items())), metadata={"format": "pt"})
    print("wrote %s: %s %s, %d tensors, model.safetensors %d bytes"
          % (a.out, a.arch, a.head, len(tensors), n))


if __name__ == "__main__":
    main()
