"""SentencePiece BPE for the LM: trained with Debian's spm_train (Llama's settings: BPE,
byte fallback, identity normalization, no whitespace collapsing, split digits), and
converted to a Hugging Face tokenizer.json in the Llama layout, the way transformers'
LlamaConverter does it: the vocabulary is the .model's pieces with their ids; the merges
are, for every piece, each split into two pieces that are both in the vocabulary, ordered
by the piece's score (highest first) and then by the ids of the two halves."""

import argparse
import json
import os
import subprocess

import sentencepiece as spm


def train(text, prefix, vocab_size):
    subprocess.run([
        "spm_train", "--input=" + text, "--model_prefix=" + prefix, "--model_type=bpe",
        "--vocab_size=%d" % vocab_size, "--byte_fallback=true", "--character_coverage=0.9995",
        "--normalization_rule_name=identity", "--remove_extra_whitespaces=false",
        "--allow_whitespace_only_pieces=true", "--split_digits=true", "--add_dummy_prefix=true",
        "--unk_id=0", "--bos_id=1", "--eos_id=2", "--pad_id=-1", "--num_threads=2",
        "--max_sentence_length=16384", "--seed_sentencepiece_size=200000",
    ], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tokenizer_json(model_path):
    sp = spm.SentencePieceProcessor(model_file=model_path)
    pieces = [(sp.id_to_piece(i), sp.get_score(i), sp.is_unknown(i) or sp.is_control(i))
              for i in range(sp.get_piece_size())]
    vocab = {p: i for i, (p, _, _) in enumerate(pieces)}
    merges = []
    for i, (piece, score, _) in enumerate(pieces):
        local = [(piece[:k], piece[k:], score) for k in range(1, len(piece))
                 if piece[:k] in vocab and piece[k:] in vocab]
        local.sort(key=lambda m: (vocab[m[0]], vocab[m[1]]))
        merges.extend(local)
    merges.sort(key=lambda m: m[2], reverse=True)  # stable: keeps the order above in ties
    special = [{"id": i, "content": p, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True}
               for i, (p, _, is_special) in enumerate(pieces) if is_special]
    bos = pieces[1][0]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": bos, "type_id": 1}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [1], "tokens": [bos]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": pieces[0][0],
                  "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [[a, b] for a, b, _ in merges]},
    }


def tokenizer_config():
    return {"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>", "eos_token": "</s>",
            "unk_token": "<unk>", "pad_token": None, "add_bos_token": True,
            "add_eos_token": False, "legacy": True, "model_max_length": 256,
            "clean_up_tokenization_spaces": False, "sp_model_kwargs": {}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default="build/train-data/lm/train.txt")
    ap.add_argument("--prefix", default="build/work/lm-spm")
    ap.add_argument("--vocab-size", type=int, default=2048)
    args = ap.parse_args()
    train(args.input, args.prefix, args.vocab_size)
    tj = tokenizer_json(args.prefix + ".model")
    with open(args.prefix + ".tokenizer.json", "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False)
    sp = spm.SentencePieceProcessor(model_file=args.prefix + ".model")
    print("pieces", sp.get_piece_size(), "merges", len(tj["model"]["merges"]))


if __name__ == "__main__":
    main()
