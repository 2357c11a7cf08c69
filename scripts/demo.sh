#!/usr/bin/env bash
# `npm run demo`: build what is missing (toolchain, wasm modules, the default
# models in build/models/), then serve the repo on 127.0.0.1 with the
# cross-origin isolation headers threads need, and print the URL.
#
# Default models (build/ is not in git):
#   build/models/tiny-bert/     seeded random BERT (semantic search; testing only)
#   build/models/bert-<head>/   seeded random BERT task heads (classification,
#                               NER, QA, fill-mask; testing only)
#   build/models/stories260K/   llama2.c stories260K (MIT, text generation):
#                               copied from ../shared/fixtures when present,
#                               else downloaded once from its public origin and
#                               checked against its sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f dist/pocketformer-simd-mt.mjs ]]; then
  bash scripts/setup-toolchain.sh
  bash scripts/build.sh wasm
fi
if [[ ! -f build/models/tiny-bert/model.safetensors ]]; then
  /usr/bin/python3 tests/reference/make_tiny_bert.py --out build/models/tiny-bert --seed 0
fi
# Encoder task heads (random weights), once the generator is in the tree.
if [[ -f tests/reference/make_tiny_bert_heads.py ]]; then
  for head in seq-cls token-cls qa mlm; do
    if [[ ! -f build/models/bert-$head/model.safetensors ]]; then
      /usr/bin/python3 tests/reference/make_tiny_bert_heads.py --out "build/models/bert-$head" --arch bert --head "$head" > /dev/null
    fi
  done
fi

STORIES=build/models/stories260K
FIXTURE=../shared/fixtures/models/stories260K
STORIES_URL=https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K
# name in build/models, name at the origin, sha256
STORIES_FILES=(
  "model.bin stories260K.bin b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696"
  "tokenizer.bin tok512.bin 037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312"
)
if [[ ! -f $STORIES/model.bin || ! -f $STORIES/tokenizer.bin ]]; then
  mkdir -p "$STORIES"
  for entry in "${STORIES_FILES[@]}"; do
    read -r name origin sum <<<"$entry"
    if [[ -f $FIXTURE/$origin ]]; then
      cp "$FIXTURE/$origin" "$STORIES/$name.part"
    elif ! curl -fsSL --retry 2 -o "$STORIES/$name.part" "$STORIES_URL/$origin"; then
      echo "demo: could not get $origin (offline?); text generation will have no bundled model (load one in the page)" >&2
      rm -f "$STORIES/$name.part"
      continue
    fi
    if [[ "$(sha256sum "$STORIES/$name.part" | cut -c1-64)" != "$sum" ]]; then
      echo "demo: $origin has an unexpected sha256; not using it" >&2
      rm -f "$STORIES/$name.part"
      continue
    fi
    mv "$STORIES/$name.part" "$STORIES/$name"
  done
fi
exec node scripts/serve.mjs "${PORT:-8080}"
