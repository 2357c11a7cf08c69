#!/usr/bin/env bash
# Generates the seeded test models (HF layout), their PyTorch reference
# outputs and the hostile variants into build/testdata/. Deterministic: the
# same seed gives byte-identical files, so reruns are skipped by a stamp that
# records the generator sources' hash.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3  # Debian's python3 with python3-numpy / python3-torch
OUT=build/testdata
mkdir -p "$OUT"
hash=$(cat tests/reference/*.py scripts/make-testdata.sh | sha256sum | cut -c1-16)
if [[ -f "$OUT/.stamp" && "$(cat "$OUT/.stamp")" == "$hash" ]]; then
  echo "testdata up to date ($OUT)" >&2
  exit 0
fi
rm -rf "$OUT"/tiny-* "$OUT/bad-models"
$PY tests/reference/make_tiny_bert.py --out "$OUT/tiny-bert" --seed 0
$PY tests/reference/make_bad_models.py --good "$OUT/tiny-bert" --out "$OUT/bad-models" > /dev/null
$PY tests/reference/bert_reference.py --model "$OUT/tiny-bert" --out "$OUT/tiny-bert/reference.json"
# A half-precision checkpoint with the "bert." prefix of task checkpoints.
$PY tests/reference/make_tiny_bert.py --out "$OUT/tiny-bert-bf16" --seed 1 --dtype BF16 --prefix bert.
$PY tests/reference/bert_reference.py --model "$OUT/tiny-bert-bf16" --out "$OUT/tiny-bert-bf16/reference.json"
# DistilBERT: the task-checkpoint prefix in f32, and bare names in BF16.
$PY tests/reference/make_tiny_distilbert.py --out "$OUT/tiny-distilbert" --seed 0
$PY tests/reference/distilbert_reference.py --model "$OUT/tiny-distilbert" --out "$OUT/tiny-distilbert/reference.json"
$PY tests/reference/make_tiny_distilbert.py --out "$OUT/tiny-distilbert-bf16" --seed 2 --dtype BF16 --prefix ''
$PY tests/reference/distilbert_reference.py --model "$OUT/tiny-distilbert-bf16" --out "$OUT/tiny-distilbert-bf16/reference.json"
# Task checkpoints (heads) for BERT and DistilBERT, with their references.
for arch in bert distilbert; do
  for head in seq-cls multi-label nli token-cls qa mlm; do
    $PY tests/reference/make_tiny_bert_heads.py --out "$OUT/tiny-heads/$arch-$head" --arch $arch --head $head > /dev/null
    $PY tests/reference/bert_heads_reference.py --model "$OUT/tiny-heads/$arch-$head" --out "$OUT/tiny-heads/$arch-$head/reference.json"
  done
done
echo "$hash" > "$OUT/.stamp"
echo "testdata written to $OUT" >&2
