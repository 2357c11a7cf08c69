#!/usr/bin/env python3
"""Write a seeded, random, tiny ALBERT checkpoint in real Hugging Face layout
(numpy only).

    make_tiny_albert.py --out DIR --head base|seq-cls|token-cls|qa|mlm
                        --fixtures ../shared/fixtures
                        [--embedding-size 32] [--hidden 64] [--layers 4]
                        [--groups 2] [--inner 1] [--seed 0]

Tensor names as modeling_albert.py stores them: AlbertModel (--head base,
bare names, with its pooler) or "albert." under the task models:
  embeddings.{word,position,token_type}_embeddings [*, E], embeddings.LayerNorm [E]
  encoder.embedding_hidden_mapping_in [H, E]  (always present, even when E == H)
  encoder.albert_layer_groups.G.albert_layers.J.{attention.query, attention.key,
      attention.value, attention.dense, attention.LayerNorm, ffn, ffn_output,
      full_layer_layer_norm}  for G < num_hidden_groups, J < inner_group_num
  pooler [H, H]  (a plain nn.Linear, no ".dense")
Heads: seq-cls classifier (on the pooler), token-cls classifier, qa qa_outputs,
mlm predictions.{dense [E, H], LayerNorm [E], bias [V]} with predictions.decoder
tied to the word embeddings (not stored).
hidden_act gelu_new (ALBERT v2's), layer_norm_eps 1e-12.

Tokenizer: tokenizer.json converted from sentencepiece's test_model.model
(Unigram, nmt_nfkc charsmap) by spm_to_tokenizer_json.py's albert style
(<pad> <unk> [CLS] [SEP] [MASK] first), and ALBERT's tokenizer_config.json.

Weights: matrices 0.2 N(0,1), biases 0.1 N(0,1), LayerNorm gammas 1 + 0.1 N(0,1).
"""

import argparse
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_tiny_roberta import LABELS, HeadWeights, encoder_weights  # noqa: E402
from spm_to_tokenizer_json import convert  # noqa: E402

HEAD_CLASS = {"base": "AlbertModel", "seq-cls": "AlbertForSequenceClassification",
              "token-cls": "AlbertForTokenClassification", "qa": "AlbertForQuestionAnswering",
              "mlm": "AlbertForMaskedLM"}
MAX_LEN = 128
SPM_MODEL = "tokenizers/sentencepiece/test_model.model"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--head", required=True, choices=sorted(HEAD_CLASS))
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--embedding-size", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--groups", type=int, default=2)
    ap.add_argument("--inner", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    assert a.layers % a.groups == 0, "num_hidden_groups must divide num_hidden_layers"

    E, H, I, heads = a.embedding_size, a.hidden, 2 * a.hidden, 4
    os.makedirs(a.out, exist_ok=True)

    def dump_json(name, obj):
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")

    tok = convert(os.path.join(a.fixtures, SPM_MODEL), "albert")
    V = len(tok["model"]["vocab"])
    dump_json("tokenizer.json", tok)
    dump_json("tokenizer_config.json", {
        "do_lower_case": True, "keep_accents": False, "remove_space": True,
        "model_max_length": MAX_LEN, "tokenizer_class": "AlbertTokenizer",
        "bos_token": "[CLS]", "eos_token": "[SEP]", "cls_token": "[CLS]", "sep_token": "[SEP]",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "[MASK]"})

    # BERT's embedding tensors at width E, then ALBERT's own.
    rng = np.random.default_rng(a.seed)
    enc, linear, ln = encoder_weights(rng, V, E, H, I, 0, MAX_LEN, 2, False)
    linear("encoder.embedding_hidden_mapping_in", H, E)
    for g in range(a.groups):
        for j in range(a.inner):
            p = "encoder.albert_layer_groups.%d.albert_layers.%d." % (g, j)
            for q in ("query", "key", "value", "dense"):
                linear(p + "attention." + q, H, H)
            ln(p + "attention.LayerNorm", H)
            linear(p + "ffn", I, H)
            linear(p + "ffn_output", H, I)
            ln(p + "full_layer_layer_norm", H)
    if a.head in ("base", "seq-cls"):  # AlbertForMaskedLM / token / QA drop the pooler
        linear("pooler", H, H)

    hw = HeadWeights(a.seed)
    head, hlin = hw.tensors, hw.linear
    if a.head in LABELS:
        hlin("classifier", len(LABELS[a.head]), H)
    elif a.head == "qa":
        hlin("qa_outputs", 2, H)
    elif a.head == "mlm":
        hlin("predictions.dense", E, H)
        hw.norm("predictions.LayerNorm", E)
        hw.vector("predictions.bias", V)

    config = {
        "architectures": [HEAD_CLASS[a.head]], "model_type": "albert",
        "vocab_size": V, "embedding_size": E, "hidden_size": H, "num_hidden_layers": a.layers,
        "num_hidden_groups": a.groups, "inner_group_num": a.inner, "num_attention_heads": heads,
        "intermediate_size": I, "hidden_act": "gelu_new", "hidden_dropout_prob": 0,
        "attention_probs_dropout_prob": 0, "max_position_embeddings": MAX_LEN, "type_vocab_size": 2,
        "initializer_range": 0.02, "layer_norm_eps": 1e-12, "classifier_dropout_prob": 0.1,
        "position_embedding_type": "absolute", "pad_token_id": 0, "bos_token_id": 2,
        "eos_token_id": 3, "torch_dtype": "float32", "transformers_version": "4.40.0",
    }
    if a.head in LABELS:
        config["id2label"] = {str(i): l for i, l in enumerate(LABELS[a.head])}
        config["label2id"] = {l: i for i, l in enumerate(LABELS[a.head])}
    dump_json("config.json", config)

    prefix = "" if a.head == "base" else "albert."
    tensors = {prefix + k: ("F32", v) for k, v in enc.items()}
    tensors.update({k: ("F32", v) for k, v in head.items()})
    safetensors_io.write_file(os.path.join(a.out, "model.safetensors"), dict(sorted(tensors.items())),
                              metadata={"format": "pt"})


if __name__ == "__main__":
    main()
