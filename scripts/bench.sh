#!/usr/bin/env bash
# `npm run bench`: kernel GEMM/GEMV throughput (native and wasm under node)
# and end-to-end embedding latency through the JS API. Prints medians; never
# fails on timing. Run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x build/native/pf_bench_kernels && -f build/wasm-simd-mt/pf_bench_kernels.js ]] ||
  bash scripts/build.sh native wasm
echo "== kernels, native (clang-19, XNNPACK x86-64)"
build/native/pf_bench_kernels 2
echo "== kernels, wasm SIMD128 under node"
node build/wasm-simd-mt/pf_bench_kernels.js 2
if [[ -f build/wasm-relaxed-mt/pf_bench_kernels.js ]]; then
  echo "== kernels, wasm relaxed-SIMD under node (node 20 needs the flag; check results in Chromium)"
  node --experimental-wasm-relaxed-simd build/wasm-relaxed-mt/pf_bench_kernels.js 2
fi
echo "== end to end, node"
node scripts/bench-embed.mjs
