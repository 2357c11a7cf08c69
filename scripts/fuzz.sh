#!/usr/bin/env bash
# `npm run fuzz -- --seconds N [target...]`: builds the libFuzzer targets
# (clang-19, ASan + UBSan) and runs each for N seconds (default 60), seeded
# with the generated valid and hostile test files. Corpora persist in
# build/fuzz-corpus/; crashes land in build/fuzz-artifacts/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if ((${#targets[@]} == 0)); then  # every tests/fuzz/fuzz_*.cpp
  for f in tests/fuzz/fuzz_*.cpp; do t=${f##*/fuzz_}; targets+=("${t%.cpp}"); done
fi

source "$(bash scripts/setup-toolchain.sh --print-env)"
bash scripts/make-testdata.sh
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DPOCKETFORMER_XNNPACK_DIR="$POCKETFORMER_XNNPACK_NATIVE" \
  -DPOCKETFORMER_UTF8PROC_SOURCE_DIR="$POCKETFORMER_UTF8PROC_SRC" \
  -DPOCKETFORMER_FUZZ=ON -DPOCKETFORMER_BUILD_TESTS=OFF > /dev/null
cmake --build build/fuzz -j "$(nproc)" $(printf -- '--target fuzz_%s ' "${targets[@]}")

TD=build/testdata
seed() {  # target files...
  local dir=build/fuzz-corpus/$1
  shift
  mkdir -p "$dir"
  # Seeds that don't exist (e.g. no ../shared fixtures) are skipped; an
  # `[[ ]] && cp` as the loop's last command would end the script under set -e.
  for f in "$@"; do
    if [[ -f "$f" ]]; then cp "$f" "$dir/$(echo "$f" | sha1sum | cut -c1-16)"; fi
  done
}
seed safetensors $TD/tiny-bert/model.safetensors $TD/bad-models/*/model.safetensors
seed model_load $TD/tiny-bert/model.safetensors $TD/tiny-bert-bf16/model.safetensors
seed config $TD/tiny-bert/config.json $TD/bad-models/*/config.json
seed decoder_config $TD/tiny-llama/config.json $TD/tiny-qwen2/config.json $TD/tiny-gpt2*/config.json
seed gpt2_load $TD/tiny-gpt2-micro/model.safetensors
seed wordpiece $TD/tiny-bert/vocab.txt
seed llama2c $TD/tiny-llama-micro/model.bin $TD/tiny-llama/model.bin
seed gguf $TD/gguf/*.gguf $TD/gguf/bad/*.gguf ../shared/fixtures/tokenizers/llama.cpp-vocab/*.gguf
seed sentencepiece $TD/spm/tok512.model $TD/spm/tok512-special.model ../shared/fixtures/models/stories260K/tok512.bin
seed tokenizer_json $TD/tokenizers/{llama3-style,components,metaspace-bpe,whitespace-bpe}/tokenizer.json
seed task_text $TD/tiny-heads/bert-token-cls/config.json $TD/tiny-heads/bert-multi-label/config.json $TD/bad-models/*/config.json
# Encoder GGUFs with our pocketformer.* head keys, when the native CLI is built.
enc_seeds=build/fuzz-seeds
if [[ -x build/native/pocketformer ]]; then
  mkdir -p $enc_seeds
  for spec in bert-mlm:q8 distilbert-seq-cls:q4 bert-token-cls:f16 distilbert-qa:f32; do
    build/native/pocketformer convert $TD/tiny-heads/${spec%%:*} -o $enc_seeds/${spec%%:*}.gguf \
      --dtype ${spec#*:} > /dev/null
  done
fi
seed gguf_model $TD/tiny-llama/model.gguf $TD/tiny-llama/model-q8_0.gguf $TD/tiny-qwen2/model.gguf \
  $TD/tiny-bert/model.gguf $TD/tiny-distilbert/model.gguf $TD/tiny-heads/bert-seq-cls/model.gguf \
  $enc_seeds/*.gguf

mkdir -p build/fuzz-artifacts
failed=0
for t in "${targets[@]}"; do
  echo "=== fuzz_$t for ${seconds}s" >&2
  max_len=4096
  [[ $t == safetensors || $t == model_load || $t == llama2c || $t == gguf_model ]] && max_len=600000
  [[ $t == gguf ]] && max_len=65536
  [[ $t == tokenizer_json ]] && max_len=65536
  [[ $t == sentencepiece || $t == gpt2_load ]] && max_len=16384
  if ! PF_FUZZ_MODEL_DIR=$TD/tiny-bert build/fuzz/fuzz_$t build/fuzz-corpus/$t \
      -max_total_time="$seconds" -max_len=$max_len -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix=build/fuzz-artifacts/$t- 2> build/fuzz-$t.log; then
    failed=1
    echo "fuzz_$t FAILED; see build/fuzz-$t.log and build/fuzz-artifacts/" >&2
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE|cov:' build/fuzz-$t.log | tail -2 >&2
done
exit $failed
