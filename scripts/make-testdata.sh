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
# Held-out fortune documents for tests/js/langid-agreement.test.mjs: the test
# split scripts/train/prepare_data.py keeps out of the bundled language-ID
# models' training (seeded, ~10 s). Needs Debian's fortunes packages, which
# scripts/setup-toolchain.sh installs; cheap, so outside the stamp.
if [[ -d /usr/share/games/fortunes/de && ! -f "$OUT/fortunes/langid/test.tsv" ]]; then
  $PY scripts/train/prepare_data.py --out "$OUT/fortunes" > /dev/null
elif [[ ! -d /usr/share/games/fortunes/de ]]; then
  echo "note: Debian's fortunes packages are missing; the language-ID agreement test will skip" >&2
fi
# GGUF byte-level BPE vocabularies per tokenizer.ggml.pre family: tokenizer.json
# files in each family's style (GPT-2's vocab from the fixtures) and the ids
# @huggingface/tokenizers gives on 5,000 strings each (~1 min, own stamp).
bpe_hash=$(cat tests/reference/make_gguf_bpe_cases.mjs tests/js/tokenizer-cases.mjs | sha256sum | cut -c1-16)
if [[ ! -d node_modules/@huggingface/tokenizers ]]; then
  echo "note: node_modules/@huggingface/tokenizers missing (run npm install): GGUF BPE family cases not written" >&2
elif [[ ! -f "$OUT/gguf-bpe/.stamp" || "$(cat "$OUT/gguf-bpe/.stamp")" != "$bpe_hash" ]]; then
  rm -rf "$OUT/gguf-bpe"
  node tests/reference/make_gguf_bpe_cases.mjs --fixtures "${POCKETFORMER_FIXTURES:-../shared/fixtures}" --out "$OUT/gguf-bpe"
  mkdir -p "$OUT/gguf-bpe" && echo "$bpe_hash" > "$OUT/gguf-bpe/.stamp"
fi
hash=$(cat tests/reference/*.py scripts/make-testdata.sh | sha256sum | cut -c1-16)
if [[ -f "$OUT/.stamp" && "$(cat "$OUT/.stamp")" == "$hash" ]]; then
  echo "testdata up to date ($OUT)" >&2
  exit 0
fi
rm -rf "$OUT"/tiny-* "$OUT/bad-models" "$OUT/gguf" "$OUT/tokenizers"
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
# Structurally pruned encoders (HF prune_heads + FFN row/column removal, by
# an independent numpy pruner): per-layer head counts and FFN widths, layer 0
# left whole for the references' nn.TransformerEncoderLayer self-check.
$PY tests/reference/make_tiny_bert.py --out "$OUT/tiny-bert-3l" --seed 4 --layers 3 > /dev/null
$PY tests/reference/prune_hf_style.py --model "$OUT/tiny-bert-3l" --out "$OUT/tiny-bert-pruned" --heads '{"1": [0, 2], "2": [3]}' --ffn '{"1": 100, "2": 77}'
# The same magnitude rule `pocketformer prune` applies, once from the whole
# model and once more on the already pruned one (original head indices).
$PY tests/reference/prune_hf_style.py --model "$OUT/tiny-bert-3l" --out "$OUT/tiny-bert-pruned-mag" --heads-fraction 0.5 --ffn-fraction 0.25
$PY tests/reference/prune_hf_style.py --model "$OUT/tiny-bert-pruned" --out "$OUT/tiny-bert-pruned-twice" --heads-fraction 0.34 --ffn-fraction 0.1
$PY tests/reference/make_tiny_distilbert.py --out "$OUT/tiny-distilbert-3l" --seed 5 --layers 3 --dtype BF16 > /dev/null
$PY tests/reference/prune_hf_style.py --model "$OUT/tiny-distilbert-3l" --out "$OUT/tiny-distilbert-pruned" --heads '{"1": [1], "2": [0, 1, 3]}' --ffn '{"2": 33}' --seed 1
for m in tiny-bert-pruned tiny-bert-pruned-mag tiny-bert-pruned-twice; do
  $PY tests/reference/bert_reference.py --model "$OUT/$m" --out "$OUT/$m/reference.json"
done
$PY tests/reference/distilbert_reference.py --model "$OUT/tiny-distilbert-pruned" --out "$OUT/tiny-distilbert-pruned/reference.json"
# Llama-family decoders: GQA untied (F32), MQA tied (BF16, Llama 3's theta),
# Qwen2 with q/k/v biases (tied, as Qwen2-0.5B).
$PY tests/reference/make_tiny_llama.py --out "$OUT/tiny-llama" --seed 0 --llama2c
$PY tests/reference/make_tiny_llama.py --out "$OUT/tiny-llama-tied" --seed 1 --tied --kv-heads 1 --rope-theta 500000 --dtype BF16
$PY tests/reference/make_tiny_llama.py --out "$OUT/tiny-qwen2" --seed 2 --arch qwen2 --tied --rope-theta 1000000 --rms-eps 1e-6
# A micro llama2.c checkpoint (~1 KB): a fast seed for fuzz_llama2c.
$PY tests/reference/make_tiny_llama.py --out "$OUT/tiny-llama-micro" --seed 3 --vocab-size 16 --hidden 8 --layers 1 --heads 2 --kv-heads 1 --intermediate 12 --max-pos 8 --llama2c
# rope_scaling: linear (the old "type" key), dynamic NTK (a 32-position
# model run to 75 tokens, past where the scaling starts), llama3 and yarn
# (original lengths short enough that every frequency band is exercised).
$PY tests/reference/make_tiny_llama.py --out "$OUT/tiny-llama-rope-linear" --seed 4 --rope-scaling '{"type": "linear", "factor": 2.0}'
$PY tests/reference/make_tiny_llama.py --out "$OUT/tiny-llama-rope-dynamic" --seed 5 --max-pos 32 --rope-scaling '{"rope_type": "dynamic", "factor": 4.0}'
$PY tests/reference/make_tiny_llama.py --out "$OUT/tiny-llama-rope-llama3" --seed 6 --rope-theta 500000 --rope-scaling '{"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64}'
$PY tests/reference/make_tiny_llama.py --out "$OUT/tiny-llama-rope-yarn" --seed 7 --rope-scaling '{"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32}'
ROPE_MODELS="tiny-llama-rope-linear tiny-llama-rope-dynamic tiny-llama-rope-llama3 tiny-llama-rope-yarn"
for m in tiny-llama tiny-llama-tied tiny-qwen2 $ROPE_MODELS; do
  $PY tests/reference/llama_reference.py --model "$OUT/$m" --out "$OUT/$m/reference.json"
done
# GPT-2: bare GPT2Model names (F32, 3 layers); the GPT2LMHeadModel
# "transformer." prefix in F16 with the old attn.bias buffers; untied with
# erf GELU and a custom n_inner (BF16).
$PY tests/reference/make_tiny_gpt2.py --out "$OUT/tiny-gpt2" --seed 0
$PY tests/reference/make_tiny_gpt2.py --out "$OUT/tiny-gpt2-f16" --seed 1 --n-embd 96 --layers 2 --dtype F16 --prefix transformer. --buffers
$PY tests/reference/make_tiny_gpt2.py --out "$OUT/tiny-gpt2-untied" --seed 2 --layers 2 --n-inner 100 --activation gelu --untied --dtype BF16
# A micro GPT-2 (~3 KB, the shapes fuzz_gpt2_load assumes): its fuzz seed.
$PY tests/reference/make_tiny_gpt2.py --out "$OUT/tiny-gpt2-micro" --seed 3 --vocab-size 16 --n-embd 8 --layers 1 --heads 2 --positions 8
for m in tiny-gpt2 tiny-gpt2-f16 tiny-gpt2-untied; do
  $PY tests/reference/gpt2_reference.py --model "$OUT/$m" --out "$OUT/$m/reference.json"
done
# The same decoders as llama.cpp-style GGUFs written in Python (q/k rows
# permuted to interleaved RoPE for llama), for the GGUF loader's tests.
for m in tiny-llama tiny-llama-tied tiny-qwen2 tiny-llama-rope-linear tiny-llama-rope-llama3 tiny-llama-rope-yarn; do
  $PY tests/reference/make_tiny_gguf.py --model "$OUT/$m" --out "$OUT/$m/model.gguf"
done
$PY tests/reference/make_tiny_gguf.py --model "$OUT/tiny-llama" --out "$OUT/tiny-llama/model-q8_0.gguf" --type Q8_0
# GPT-2 as llama.cpp's "gpt2" architecture (Conv1D weights transposed).
for m in tiny-gpt2 tiny-gpt2-f16; do
  $PY tests/reference/make_tiny_gguf.py --model "$OUT/$m" --out "$OUT/$m/model.gguf"
done
# SentencePiece: .model files built from llama.cpp's Llama GGUF vocab and
# llama2.c's tok512.bin, and python sentencepiece's encodings/decodings of
# seeded random text for them and for sentencepiece's test models.
if [[ -d ../shared/fixtures ]]; then
  $PY tests/reference/spm_reference.py --fixtures ../shared/fixtures --out "$OUT/spm" --count 5000
fi
# GGUF: every metadata value type and ggml tensor type, the dequantized
# reference values, and hostile variants (bad/manifest.tsv).
(cd tests/reference && $PY make_gguf_testdata.py --out "../../$OUT/gguf")
# tokenizer.json files: GPT-2 / BERT converted from the fixtures (when
# present) and hand-built ones exercising the other pipeline components.
$PY tests/reference/make_tokenizer_json.py --fixtures "${POCKETFORMER_FIXTURES:-../shared/fixtures}" --out "$OUT/tokenizers"
# Unigram tokenizer.json files (Precompiled charsmap normalizer, Metaspace)
# converted from sentencepiece's test models as transformers converts them.
$PY tests/reference/spm_to_tokenizer_json.py --fixtures "${POCKETFORMER_FIXTURES:-../shared/fixtures}" --out "$OUT/tokenizers"
# Task checkpoints (heads) for BERT and DistilBERT, with their references.
for arch in bert distilbert; do
  for head in seq-cls multi-label nli token-cls qa mlm; do
    $PY tests/reference/make_tiny_bert_heads.py --out "$OUT/tiny-heads/$arch-$head" --arch $arch --head $head > /dev/null
    $PY tests/reference/bert_heads_reference.py --model "$OUT/tiny-heads/$arch-$head" --out "$OUT/tiny-heads/$arch-$head/reference.json"
  done
done
# BERT / DistilBERT as llama.cpp's converter lays them out ("bert"
# architecture), written in Python independently of our C++ exporter: bare
# encoders (F32, and Q8_0 layer matrices) and a BERT sequence classifier.
for m in tiny-bert tiny-distilbert tiny-heads/bert-seq-cls; do
  $PY tests/reference/make_tiny_gguf.py --model "$OUT/$m" --out "$OUT/$m/model.gguf"
done
$PY tests/reference/make_tiny_gguf.py --model "$OUT/tiny-bert" --out "$OUT/tiny-bert/model-q8_0.gguf" --type Q8_0
# RoBERTa (byte-level BPE tokenizer.json, no vocab.txt), XLM-R (bare
# XLMRobertaModel names, split into 2 shards with model.safetensors.index.json)
# and the ELECTRA discriminator (embedding_size != hidden_size), with heads.
for spec in roberta:base roberta:seq-cls roberta:token-cls roberta:qa roberta:mlm \
            electra:seq-cls electra:token-cls; do
  arch=${spec%%:*} head=${spec#*:}
  st=(); [[ $head == base ]] && st=(--st-pooling max)  # a sentence-transformers layout
  $PY tests/reference/make_tiny_roberta.py --out "$OUT/tiny-encoders/$arch-$head" --arch $arch --head $head "${st[@]}"
  $PY tests/reference/roberta_reference.py --model "$OUT/tiny-encoders/$arch-$head" --out "$OUT/tiny-encoders/$arch-$head/reference.json"
done
$PY tests/reference/make_tiny_roberta.py --out "$OUT/tiny-encoders/xlm-roberta-sharded" --arch xlm-roberta --head base --seed 3 --shards 2
$PY tests/reference/roberta_reference.py --model "$OUT/tiny-encoders/xlm-roberta-sharded" --out "$OUT/tiny-encoders/xlm-roberta-sharded/reference.json"
# ALBERT (factorized embeddings, layers shared across groups): each head on
# its own shape -- E < H and E == H, 1 or 2 groups, 1 or 2 layers per group --
# with a Unigram tokenizer.json converted from sentencepiece's test_model.model.
FIXTURES=${POCKETFORMER_FIXTURES:-../shared/fixtures}
if [[ -f "$FIXTURES/tokenizers/sentencepiece/test_model.model" ]]; then
  for spec in "base:--layers 4 --groups 2 --inner 1" "seq-cls:--layers 3 --groups 1 --inner 2 --seed 1" \
              "token-cls:--embedding-size 64 --layers 2 --groups 2 --inner 2 --seed 2" \
              "qa:--layers 4 --groups 1 --inner 1 --seed 3" "mlm:--layers 3 --groups 1 --inner 1 --seed 4"; do
    head=${spec%%:*}
    read -ra shape <<< "${spec#*:}"
    $PY tests/reference/make_tiny_albert.py --out "$OUT/tiny-encoders/albert-$head" --head "$head" --fixtures "$FIXTURES" "${shape[@]}"
    $PY tests/reference/albert_reference.py --model "$OUT/tiny-encoders/albert-$head" --fixtures "$FIXTURES" --out "$OUT/tiny-encoders/albert-$head/reference.json"
  done
fi
echo "$hash" > "$OUT/.stamp"
echo "testdata written to $OUT" >&2
