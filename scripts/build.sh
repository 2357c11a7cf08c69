#!/usr/bin/env bash
# Builds pocketformer. Usage: scripts/build.sh [native|asan|wasm|all]...
#   native  build/native       clang-19, Catch2 tests (ctest)
#   asan    build/native-asan  the same under ASan + UBSan
#   wasm    build/wasm-*       the JS modules into dist/, and the Catch2
#                              tests compiled to wasm (run under node)
#   wasm-simd build/wasm-simd-mt only: the default module and its tests, for
#                              quicker edit-build-measure loops
# The toolchain comes from scripts/setup-toolchain.sh (run it first).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ENV_SH=$(bash scripts/setup-toolchain.sh --print-env)
if [[ ! -f "$ENV_SH" ]]; then
  echo "toolchain missing: run 'bash scripts/setup-toolchain.sh' first" >&2
  exit 1
fi
# shellcheck disable=SC1090
source "$ENV_SH"
JOBS=${JOBS:-$(nproc)}

configure_native() {  # dir sanitize
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DPOCKETFORMER_XNNPACK_DIR="$POCKETFORMER_XNNPACK_NATIVE" \
    -DPOCKETFORMER_UTF8PROC_SOURCE_DIR="$POCKETFORMER_UTF8PROC_SRC" \
    -DPOCKETFORMER_SANITIZE="$2" > /dev/null
}

build_native() {
  configure_native build/native OFF
  cmake --build build/native -j "$JOBS"
}

build_asan() {
  configure_native build/native-asan ON
  cmake --build build/native-asan -j "$JOBS"
}

# variant: simd|relaxed, threads: ON|OFF, tests: ON|OFF
build_wasm_variant() {
  local variant=$1 threads=$2 tests=$3 xnn dir suffix
  suffix=$([[ $threads == ON ]] && echo mt || echo st)
  dir=build/wasm-$variant-$suffix
  case "$variant-$suffix" in
    simd-mt) xnn=$POCKETFORMER_XNNPACK_WASM_SIMD ;;
    simd-st) xnn=$POCKETFORMER_XNNPACK_WASM_SIMD_ST ;;
    relaxed-mt) xnn=$POCKETFORMER_XNNPACK_WASM_RELAXED ;;
    *) echo "no XNNPACK build for $variant-$suffix" >&2; exit 1 ;;
  esac
  emcmake cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DPOCKETFORMER_XNNPACK_DIR="$xnn" \
    -DPOCKETFORMER_UTF8PROC_SOURCE_DIR="$POCKETFORMER_UTF8PROC_SRC" \
    -DPOCKETFORMER_WASM_VARIANT="$variant" -DPOCKETFORMER_WASM_THREADS="$threads" \
    -DPOCKETFORMER_BUILD_TESTS="$tests" > /dev/null
  cmake --build "$dir" -j "$JOBS"
  mkdir -p dist
  cp "$dir/pocketformer-$variant-$suffix.mjs" "$dir/pocketformer-$variant-$suffix.wasm" \
     "$dir/pocketformer-convert-$variant-$suffix.mjs" "$dir/pocketformer-convert-$variant-$suffix.wasm" dist/
}

build_wasm() {
  build_wasm_variant simd ON ON
  [[ -n "${POCKETFORMER_XNNPACK_WASM_SIMD_ST:-}" ]] && build_wasm_variant simd OFF OFF
  [[ -n "${POCKETFORMER_XNNPACK_WASM_RELAXED:-}" ]] && build_wasm_variant relaxed ON OFF
  ls -l dist/ >&2
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(native wasm)
for t in "${targets[@]}"; do
  case "$t" in
    native) build_native ;;
    asan) build_asan ;;
    wasm) build_wasm ;;
    wasm-simd) build_wasm_variant simd ON ON ;;
    all) build_native; build_asan; build_wasm ;;
    *) echo "unknown target '$t' (native|asan|wasm|wasm-simd|all)" >&2; exit 2 ;;
  esac
done
