#!/usr/bin/env python3
"""Write a seeded, random, tiny BERT in real Hugging Face layout (numpy only).

    make_tiny_bert.py --out DIR [--seed 0] [--vocab-size N] [--hidden 64]
                      [--layers 2] [--heads 4] [--intermediate 128]
                      [--max-pos 128] [--prefix bert.] [--dtype F32|F16|BF16]

DIR receives config.json, model.safetensors, vocab.txt, tokenizer_config.json
and special_tokens_map.json.  Same arguments -> byte-identical files.

Weights: linear/embedding matrices N(0, 0.2^2), LayerNorm gammas 1 + 0.1*N(0,1),
all biases (incl. LayerNorm betas) 0.1*N(0,1).  Weights are always drawn in
float32 in a fixed order, so F16/BF16 files are roundings of the F32 model
(F16 via numpy, BF16 round-to-nearest-even of the f32 bits).
"""

import argparse
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

WORDS = """
the of and to a in is it you that he was for on are with as i his they be at
one have this from or had by not word but what some we can out other were all
there when up use your how said an each she which do their time if will way
about many then them write would like so these her long make thing see him two
has look more day could go come did number sound no most people my over know
water than call first who may down side been now find any new work part take
get place made live where after back little only round man year came show every
good me give our under name very through just form sentence great think say
help low line differ turn cause much mean before move right boy old too same
tell does set three want air well also play small end put home read hand port
large spell add even land here must big high such follow act why ask men change
went light kind off need house picture try us again animal point mother world
near build self earth father head stand own page should country found answer
school grow study still learn plant cover food sun four between state keep eye
never last let thought city tree cross farm hard start might story saw far sea
draw left late run don while press close night real life few north open seem
together next white children begin got walk example ease paper group always
music those both mark often letter until mile river car feet care second enough
plain girl usual young ready above ever red list though feel talk bird soon body
dog family direct pose leave song measure door product black short numeral class
wind question happen complete ship area half rock order fire south problem piece
told knew pass since top whole king space heard best hour better true during
hundred five remember step early hold west ground interest reach fast verb sing
listen six table travel less morning ten simple several vowel toward war lay
against pattern slow center love person money serve appear road map rain rule
govern pull cold notice voice unit power town fine certain fly fall lead cry dark
machine note wait plan figure star box noun field rest correct able pound done
beauty drive stood contain front teach week final gave green oh quick develop
ocean warm free minute strong special mind behind clear tail produce fact street
inch multiply nothing course stay wheel full force blue object decide surface
deep moon island foot system busy test record boat common gold possible plane
cat sat mat fox brown jumps lazy hello thanks really price cafe happy sad
""".split()

SUFFIXES = ["##s", "##es", "##ing", "##ed", "##ly", "##er", "##est", "##ion",
            "##ness", "##ment", "##able", "##ful", "##less", "##y"]

CJK = ["中", "国", "人"]  # a few CJK chars, as real English BERT vocabs have


def build_vocab():
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    digits = [chr(c) for c in range(ord("0"), ord("9") + 1)]
    punct = [chr(c) for c in list(range(33, 48)) + list(range(58, 65)) +
             list(range(91, 97)) + list(range(123, 127))]
    seq = (SPECIALS + letters + digits + punct + ["##" + c for c in letters + digits]
           + WORDS + SUFFIXES + CJK)
    vocab, seen = [], set()
    for tok in seq:
        if tok not in seen:
            seen.add(tok)
            vocab.append(tok)
    return vocab


def make_config(a, vocab_size):
    return {
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": a.hidden,
        "initializer_range": 0.02,
        "intermediate_size": a.intermediate,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": a.max_pos,
        "model_type": "bert",
        "num_attention_heads": a.heads,
        "num_hidden_layers": a.layers,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "torch_dtype": {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[a.dtype],
        "transformers_version": "4.40.0",
        "type_vocab_size": 2,
        "use_cache": True,
        "vocab_size": vocab_size,
    }


def make_weights(a, vocab_size):
    """Ordered dict name -> float32 array (HF BertModel names, no prefix)."""
    rng = np.random.default_rng(a.seed)
    H, I = a.hidden, a.intermediate
    w = {}

    def mat(name, *shape):
        w[name] = (0.2 * rng.standard_normal(shape)).astype(np.float32)

    def bias(name, n):
        w[name] = (0.1 * rng.standard_normal(n)).astype(np.float32)

    def ln(name):
        w[name + ".weight"] = (1.0 + 0.1 * rng.standard_normal(H)).astype(np.float32)
        bias(name + ".bias", H)

    def linear(name, n_out, n_in):
        mat(name + ".weight", n_out, n_in)  # torch nn.Linear layout [out, in]
        bias(name + ".bias", n_out)

    mat("embeddings.word_embeddings.weight", vocab_size, H)
    mat("embeddings.position_embeddings.weight", a.max_pos, H)
    mat("embeddings.token_type_embeddings.weight", 2, H)
    ln("embeddings.LayerNorm")
    for i in range(a.layers):
        p = "encoder.layer.%d." % i
        for q in ("query", "key", "value"):
            linear(p + "attention.self." + q, H, H)
        linear(p + "attention.output.dense", H, H)
        ln(p + "attention.output.LayerNorm")
        linear(p + "intermediate.dense", I, H)
        linear(p + "output.dense", H, I)
        ln(p + "output.LayerNorm")
    linear("pooler.dense", H, H)
    return w


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vocab-size", type=int, default=None,
                    help="default: size of the built-in vocab; larger pads with "
                         "[unusedK], smaller truncates the word list")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=128)
    ap.add_argument("--max-pos", type=int, default=128)
    ap.add_argument("--prefix", default="", help='e.g. "bert." (BertForMaskedLM-style names)')
    ap.add_argument("--dtype", default="F32", choices=["F32", "F16", "BF16"])
    a = ap.parse_args(argv)
    if a.hidden % a.heads:
        ap.error("--heads must divide --hidden")

    vocab = build_vocab()
    if a.vocab_size is not None:
        if a.vocab_size < len(SPECIALS):
            ap.error("--vocab-size must be >= %d" % len(SPECIALS))
        if a.vocab_size < len(vocab):
            vocab = vocab[:a.vocab_size]
        else:
            vocab += ["[unused%d]" % k for k in range(a.vocab_size - len(vocab))]
    V = len(vocab)

    os.makedirs(a.out, exist_ok=True)

    def dump_json(name, obj):
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="\n") as f:
            json.dump(obj, f, indent=2, ensure_ascii=False)
            f.write("\n")

    dump_json("config.json", make_config(a, V))
    dump_json("tokenizer_config.json", {
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "do_basic_tokenize": True,
        "do_lower_case": True,
        "mask_token": "[MASK]",
        "model_max_length": a.max_pos,
        "never_split": None,
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "tokenizer_class": "BertTokenizer",
        "unk_token": "[UNK]",
    })
    dump_json("special_tokens_map.json", {
        "cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]",
        "sep_token": "[SEP]", "unk_token": "[UNK]"})
    with open(os.path.join(a.out, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(t + "\n" for t in vocab))

    weights = make_weights(a, V)
    tensors = {a.prefix + k: (a.dtype, safetensors_io.convert(v, a.dtype))
               for k, v in sorted(weights.items())}
    n = safetensors_io.write_file(os.path.join(a.out, "model.safetensors"), tensors,
                                  metadata={"format": "pt"})
    n_params = sum(v.size for v in weights.values())
    print("wrote %s: vocab %d, %d params, model.safetensors %d bytes (%s)"
          % (a.out, V, n_params, n, a.dtype))


if __name__ == "__main__":
    main()
