#!/usr/bin/env python3
"""Converts sentencepiece Unigram .model files to Hugging Face tokenizer.json,
laid out as transformers' convert_slow_tokenizer.py writes them, so the
tokenizer tests have real Unigram tokenizers with a "Precompiled" normalizer:

* t5-style (SpmConverter + T5Converter): Precompiled(charsmap) + Strip(right)
  + Replace(" {2,}" -> "\u2581") normalizers, Metaspace pre-tokenizer and
  decoder (prepend_scheme "always"), Unigram with the pieces' scores and
  unk_id from trainer_spec, <extra_id_N> pieces appended (score 0, last
  first), TemplateProcessing "$A </s>" / "$A </s> $B </s>".
* xlmr-style (XLMRobertaConverter): <s> <pad> </s> <unk> (score 0) replacing
  the first three pieces, <mask> (lstrip) appended, unk_id 3, template
  "<s> $A </s>" / "<s> $A </s> </s> $B </s>".
* albert-style (AlbertConverter, do_lower_case, no keep_accents): the first
  pieces laid out as albert-base-v2's spiece.model has them -- <pad> <unk>
  [CLS] [SEP] [MASK] (score 0, [MASK] lstrip) replacing the first three --
  unk_id 1; normalizers Replace(`` -> "), Replace('' -> "), NFKD,
  StripAccents, Lowercase, Precompiled, Replace(" {2,}" -> " "); template
  "[CLS] $A [SEP]" / "[CLS] $A [SEP] $B:1 [SEP]:1".

Control (type 3) and user-defined (type 4) pieces become added tokens as
SpmConverter adds them (control ones special, normalized false); the unk
piece is special as transformers' fast tokenizers register it.

The .model protobuf is read by hand (Debian's python3-sentencepiece ships
sentencepiece_model_pb2, but it needs python3-protobuf).

Usage: spm_to_tokenizer_json.py --fixtures ../shared/fixtures --out build/testdata/tokenizers
"""
import argparse
import base64
import json
import os
import struct

from spm_reference import read_varint, split_fields

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6


def field_payload(raw):
    """The payload of a length-delimited field (raw includes its tag)."""
    _, pos = read_varint(raw, 0)
    n, pos = read_varint(raw, pos)
    return raw[pos:pos + n]


def varint_value(raw):
    _, pos = read_varint(raw, 0)
    value, _ = read_varint(raw, pos)
    return value - (1 << 64) if value >= 1 << 63 else value


def read_model(path):
    with open(path, "rb") as f:
        data = f.read()
    pieces, trainer, normalizer = [], {}, {}
    for num, wt, raw in split_fields(data):
        if num == 1:  # SentencePiece {piece = 1, score = 2, type = 3}
            piece, score, kind = "", 0.0, NORMAL
            for n, w, r in split_fields(field_payload(raw)):
                if n == 1:
                    piece = field_payload(r).decode("utf-8")
                elif n == 2:
                    score = struct.unpack("<f", r[-4:])[0]
                elif n == 3:
                    kind = varint_value(r)
            pieces.append((piece, score, kind))
        elif num == 2:  # TrainerSpec: model_type = 3, byte_fallback = 35, unk_id = 40
            for n, w, r in split_fields(field_payload(raw)):
                if w == 0:
                    trainer[n] = varint_value(r)
        elif num == 3:  # NormalizerSpec: name = 1, precompiled_charsmap = 2, add_dummy_prefix = 3
            for n, w, r in split_fields(field_payload(raw)):
                normalizer[n] = field_payload(r) if w == 2 else varint_value(r)
    return pieces, trainer, normalizer


ALBERT_SPECIALS = ("<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]")


def added(id_, content, special, lstrip=False):
    return {"id": id_, "content": content, "single_word": False, "lstrip": lstrip, "rstrip": False,
            "normalized": False, "special": special}


def convert(path, style):
    pieces, trainer, normalizer = read_model(path)
    if trainer.get(3, 1) != 1:
        raise ValueError(path + ": not a Unigram model")
    vocab = [[p, s] for p, s, _ in pieces]
    unk_id = trainer.get(40, 0)
    extra = []
    if style == "t5":
        n_extra = 3
        vocab += [["<extra_id_%d>" % i, 0.0] for i in range(n_extra - 1, -1, -1)]
        extra = [added(len(pieces) + k, vocab[len(pieces) + k][0], True) for k in range(n_extra)]
    elif style == "xlmr":
        vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]] + vocab[3:]
        vocab.append(["<mask>", 0.0])
        unk_id = 3
    elif style == "albert":
        vocab = [[t, 0.0] for t in ALBERT_SPECIALS] + vocab[3:]
        unk_id = 1
    ids = {}
    for i, (p, _) in enumerate(vocab):
        ids.setdefault(p, i)
    # Added tokens in id order: control / user-defined pieces, the unk piece.
    spm_added = {}
    for i, (p, _, kind) in enumerate(pieces):
        if kind in (CONTROL, USER_DEFINED) and p in ids:
            spm_added[ids[p]] = added(ids[p], p, kind == CONTROL)
    spm_added[unk_id] = added(unk_id, vocab[unk_id][0], True)
    if style == "xlmr":
        for t in ("<s>", "<pad>", "</s>"):
            spm_added[ids[t]] = added(ids[t], t, True)
        spm_added[len(vocab) - 1] = added(len(vocab) - 1, "<mask>", True, lstrip=True)
    if style == "albert":
        for t in ALBERT_SPECIALS:
            spm_added[ids[t]] = added(ids[t], t, True, lstrip=t == "[MASK]")
    added_tokens = [spm_added[i] for i in sorted(spm_added)] + extra

    normalizers = [{"type": "Strip", "strip_left": False, "strip_right": True},
                   {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"}]
    charsmap = normalizer.get(2, b"")
    precompiled = {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")}
    if charsmap:
        normalizers.insert(0, precompiled)
    if style == "albert":
        normalizers = [{"type": "Replace", "pattern": {"String": "``"}, "content": '"'},
                       {"type": "Replace", "pattern": {"String": "''"}, "content": '"'},
                       {"type": "NFKD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]
        normalizers += [precompiled] if charsmap else []
        normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}

    def piece(name, type_id):
        return {"SpecialToken": {"id": name, "type_id": type_id}}

    def seq(name, type_id):
        return {"Sequence": {"id": name, "type_id": type_id}}

    if style == "t5":
        post = {"type": "TemplateProcessing",
                "single": [seq("A", 0), piece("</s>", 0)],
                "pair": [seq("A", 0), piece("</s>", 0), seq("B", 0), piece("</s>", 0)],
                "special_tokens": {"</s>": {"id": "</s>", "ids": [ids["</s>"]], "tokens": ["</s>"]}}}
    elif style == "albert":
        post = {"type": "TemplateProcessing",
                "single": [piece("[CLS]", 0), seq("A", 0), piece("[SEP]", 0)],
                "pair": [piece("[CLS]", 0), seq("A", 0), piece("[SEP]", 0), seq("B", 1), piece("[SEP]", 1)],
                "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")}}
    else:
        post = {"type": "TemplateProcessing",
                "single": [piece("<s>", 0), seq("A", 0), piece("</s>", 0)],
                "pair": [piece("<s>", 0), seq("A", 0), piece("</s>", 0), piece("</s>", 0), seq("B", 0),
                         piece("</s>", 0)],
                "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("<s>", "</s>")}}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": added_tokens,
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": metaspace,
        "post_processor": post,
        "decoder": dict(metaspace),
        "model": {"type": "Unigram", "unk_id": unk_id, "vocab": vocab,
                  "byte_fallback": bool(trainer.get(35, 0))},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    d = os.path.join(args.fixtures, "tokenizers", "sentencepiece")
    for name, model, style in (("spm-t5-style", "test_model.model", "t5"),
                               ("spm-xlmr-style", "test_ja_model.model", "xlmr")):
        src = os.path.join(d, model)
        if not os.path.exists(src):
            continue
        out = os.path.join(args.out, name, "tokenizer.json")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            json.dump(convert(src, style), f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
