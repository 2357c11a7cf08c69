#!/usr/bin/env python3
"""Write a seeded, random, tiny RoBERTa / XLM-R / ELECTRA checkpoint in real
Hugging Face layout (numpy only).

    make_tiny_roberta.py --out DIR --arch roberta|xlm-roberta|electra
                         --head base|seq-cls|token-cls|qa|mlm [--seed 0]
                         [--shards N]

RoBERTa / XLM-R (modeling_roberta.py / modeling_xlm_roberta.py): BertModel's
tensor names under "roberta." (none for --head base, which is a bare
RobertaModel with its pooler), type_vocab_size 1, pad_token_id 1 and
max_position_embeddings = 128 + pad + 1 (positions start after the pad id).
Tokenizer: a byte-level BPE tokenizer.json (vocab <s> <pad> </s> <unk>, the
256 byte symbols, merges trained here on a fixed corpus, <mask> last with
lstrip), RobertaProcessing, ByteLevel pre-tokenizer and decoder -- the layout
of roberta-base's tokenizer.json -- and no vocab.txt.
Heads: seq-cls classifier.dense + classifier.out_proj (RobertaClassificationHead),
token-cls classifier, qa qa_outputs, mlm lm_head.{dense, layer_norm, bias}
with lm_head.decoder tied to the word embeddings (not stored).

ELECTRA discriminator (modeling_electra.py): "electra." prefix, embeddings of
embedding_size 32 projected to hidden 64 by electra.embeddings_project, no
pooler; the tiny BERT vocab.txt (WordPiece). Heads: seq-cls classifier.dense +
classifier.out_proj (ElectraClassificationHead, gelu), token-cls classifier.

--st-pooling cls|mean|max also writes sentence-transformers' modules.json
(Transformer, Pooling at 1_Pooling, Normalize) and 1_Pooling/config.json.

--shards N writes model-0000i-of-0000N.safetensors + model.safetensors.index.json
(weight_map), as save_pretrained does for big models, instead of one file.

Weights: matrices 0.2 N(0,1), biases 0.1 N(0,1), LayerNorm gammas 1 + 0.1 N(0,1).
"""

import argparse
import json
import os
import re
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import make_tiny_bert as mtb  # noqa: E402
from make_tokenizer_json import CORPUS, added, bytes_to_unicode, train_bpe  # noqa: E402

LABELS = {
    "seq-cls": ["negative", "neutral", "positive"],
    "token-cls": ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"],
}
ARCH_CLASS = {"roberta": "Roberta", "xlm-roberta": "XLMRoberta", "electra": "Electra"}
HEAD_CLASS = {"base": "Model", "seq-cls": "ForSequenceClassification",
              "token-cls": "ForTokenClassification", "qa": "ForQuestionAnswering", "mlm": "ForMaskedLM"}
BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
MAX_LEN = 128


def byte_level_tokenizer():
    """roberta-base's tokenizer.json layout with a small trained vocabulary."""
    b2u = bytes_to_unicode()
    words = [tuple(b2u[b] for b in w.encode("utf-8"))
             for w in re.findall(r" ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+", CORPUS)]
    merges = train_bpe(words, 250)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for b in range(256):
        vocab[b2u[b]] = len(vocab)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    vocab["<mask>"] = len(vocab)
    specials = [added(vocab[t], t) for t in ("<s>", "<pad>", "</s>", "<unk>")]
    specials.append(added(vocab["<mask>"], "<mask>", lstrip=True))
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": specials,
        "normalizer": None,
        "pre_tokenizer": dict(BYTE_LEVEL),
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": dict(BYTE_LEVEL),
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": False, "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }


def encoder_weights(rng, V, E, H, I, layers, positions, type_vocab, project):
    w = {}

    def mat(name, *shape):
        w[name] = (0.2 * rng.standard_normal(shape)).astype(np.float32)

    def bias(name, n):
        w[name] = (0.1 * rng.standard_normal(n)).astype(np.float32)

    def ln(name, n):
        w[name + ".weight"] = (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)
        bias(name + ".bias", n)

    def linear(name, n_out, n_in):
        mat(name + ".weight", n_out, n_in)
        bias(name + ".bias", n_out)

    mat("embeddings.word_embeddings.weight", V, E)
    mat("embeddings.position_embeddings.weight", positions, E)
    mat("embeddings.token_type_embeddings.weight", type_vocab, E)
    ln("embeddings.LayerNorm", E)
    if project:
        linear("embeddings_project", H, E)
    for i in range(layers):
        p = "encoder.layer.%d." % i
        for q in ("query", "key", "value"):
            linear(p + "attention.self." + q, H, H)
        linear(p + "attention.output.dense", H, H)
        ln(p + "attention.output.LayerNorm", H)
        linear(p + "intermediate.dense", I, H)
        linear(p + "output.dense", H, I)
        ln(p + "output.LayerNorm", H)
    return w, linear, ln


class HeadWeights:
    """Task-head tensors from their own generator (seed + 1000), so the
    encoder's weights do not depend on the head."""

    def __init__(self, seed):
        self.tensors = {}
        self.rng = np.random.default_rng(seed + 1000)

    def vector(self, name, n, scale=0.1, offset=0.0):
        self.tensors[name] = (offset + scale * self.rng.standard_normal(n)).astype(np.float32)

    def linear(self, name, n_out, n_in):
        self.tensors[name + ".weight"] = (0.2 * self.rng.standard_normal((n_out, n_in))).astype(np.float32)
        self.vector(name + ".bias", n_out)

    def norm(self, name, n):
        self.vector(name + ".weight", n, offset=1.0)
        self.vector(name + ".bias", n)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--arch", required=True, choices=sorted(ARCH_CLASS))
    ap.add_argument("--head", required=True, choices=sorted(HEAD_CLASS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--st-pooling", choices=["cls", "mean", "max"])
    a = ap.parse_args(argv)
    electra = a.arch == "electra"
    if electra and a.head in ("qa", "mlm"):
        ap.error("ELECTRA heads here: base, seq-cls, token-cls")

    H, I, layers, heads = 64, 128, 2, 4
    E = 32 if electra else H
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)

    def dump_json(name, obj):
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")

    if electra:
        vocab = mtb.build_vocab()
        V, pad, positions, type_vocab = len(vocab), 0, MAX_LEN, 2
        with open(os.path.join(a.out, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(t + "\n" for t in vocab))
        dump_json("tokenizer_config.json", {
            "do_lower_case": True, "model_max_length": MAX_LEN, "tokenizer_class": "ElectraTokenizer",
            "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "mask_token": "[MASK]",
            "unk_token": "[UNK]", "clean_up_tokenization_spaces": True})
    else:
        tok = byte_level_tokenizer()
        V, pad, type_vocab = len(tok["model"]["vocab"]), 1, 1
        positions = MAX_LEN + pad + 1
        dump_json("tokenizer.json", tok)
        dump_json("tokenizer_config.json", {
            "model_max_length": MAX_LEN, "tokenizer_class": "RobertaTokenizer", "bos_token": "<s>",
            "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>",
            "pad_token": "<pad>", "mask_token": "<mask>", "add_prefix_space": False,
            "trim_offsets": True, "clean_up_tokenization_spaces": False})

    enc, linear, ln = encoder_weights(rng, V, E, H, I, layers, positions, type_vocab, electra)
    if a.head == "base" and not electra:
        linear("pooler.dense", H, H)
    enc = dict(enc)
    hw = HeadWeights(a.seed)
    head, hlin = hw.tensors, hw.linear
    if a.head == "seq-cls":
        hlin("classifier.dense", H, H)
        hlin("classifier.out_proj", len(LABELS["seq-cls"]), H)
    elif a.head == "token-cls":
        hlin("classifier", len(LABELS["token-cls"]), H)
    elif a.head == "qa":
        hlin("qa_outputs", 2, H)
    elif a.head == "mlm":
        hlin("lm_head.dense", H, H)
        hw.norm("lm_head.layer_norm", H)
        hw.vector("lm_head.bias", V)

    prefix = "" if a.head == "base" else ("electra." if electra else "roberta.")
    config = {
        "architectures": [ARCH_CLASS[a.arch] + HEAD_CLASS[a.head]],
        "model_type": a.arch,
        "vocab_size": V, "hidden_size": H, "num_hidden_layers": layers, "num_attention_heads": heads,
        "intermediate_size": I, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": positions,
        "type_vocab_size": type_vocab, "initializer_range": 0.02,
        "layer_norm_eps": 1e-12 if electra else 1e-5, "pad_token_id": pad,
        "position_embedding_type": "absolute", "classifier_dropout": None,
        "torch_dtype": "float32", "transformers_version": "4.40.0",
    }
    if electra:
        config["embedding_size"] = E
        config["summary_type"] = "first"
    else:
        config["bos_token_id"] = 0
        config["eos_token_id"] = 2
    if a.head in LABELS:
        config["id2label"] = {str(i): l for i, l in enumerate(LABELS[a.head])}
        config["label2id"] = {l: i for i, l in enumerate(LABELS[a.head])}
    dump_json("config.json", config)
    if a.st_pooling:
        dump_json("modules.json", [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}])
        os.makedirs(os.path.join(a.out, "1_Pooling"), exist_ok=True)
        modes = {"cls": "pooling_mode_cls_token", "mean": "pooling_mode_mean_tokens",
                 "max": "pooling_mode_max_tokens"}
        pooling = {"word_embedding_dimension": H}
        pooling.update({v: k == a.st_pooling for k, v in modes.items()})
        pooling.update({"pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
                        "pooling_mode_lasttoken": False, "include_prompt": True})
        dump_json("1_Pooling/config.json", pooling)

    tensors = {prefix + k: ("F32", v) for k, v in enc.items()}
    tensors.update({k: ("F32", v) for k, v in head.items()})
    tensors = dict(sorted(tensors.items()))
    if a.shards <= 1:
        safetensors_io.write_file(os.path.join(a.out, "model.safetensors"), tensors,
                                  metadata={"format": "pt"})
        return
    # Contiguous runs of the sorted names, one run per shard.
    names = list(tensors)
    per = -(-len(names) // a.shards)
    weight_map, total = {}, 0
    for s in range(a.shards):
        file = "model-%05d-of-%05d.safetensors" % (s + 1, a.shards)
        part = {n: tensors[n] for n in names[s * per:(s + 1) * per]}
        safetensors_io.write_file(os.path.join(a.out, file), part, metadata={"format": "pt"})
        for n, (_, arr) in part.items():
            weight_map[n] = file
            total += arr.nbytes
    dump_json("model.safetensors.index.json", {"metadata": {"total_size": total},
                                               "weight_map": weight_map})


if __name__ == "__main__":
    main()
