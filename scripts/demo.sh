#!/usr/bin/env bash
# `npm run demo`: build what is missing (toolchain, wasm modules, the default
# model), then serve the repo on 127.0.0.1 with the cross-origin isolation
# headers threads need, and print the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f dist/pocketformer-simd-mt.mjs ]]; then
  bash scripts/setup-toolchain.sh
  bash scripts/build.sh wasm
fi
if [[ ! -f build/models/tiny-bert/model.safetensors ]]; then
  /usr/bin/python3 tests/reference/make_tiny_bert.py --out build/models/tiny-bert --seed 0
fi
exec node scripts/serve.mjs "${PORT:-8080}"
