#!/usr/bin/env bash
# Everything `npm test` runs: build, generate test models + references, then
# native Catch2 (plain and ASan/UBSan), Catch2 compiled to wasm under node,
# the JS tests (node:test) and Playwright in headless Chromium.
# Runs every suite even after a failure and ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export CI=${CI:-}

bash scripts/build.sh native asan wasm || { echo "build failed" >&2; echo "suites: 0 passed, 1 failed"; exit 1; }
bash scripts/make-testdata.sh || { echo "testdata generation failed" >&2; echo "suites: 0 passed, 1 failed"; exit 1; }

passed=0
failed=0
failed_names=()
run_suite() {  # name command...
  local name=$1
  shift
  echo "=== $name: $*" >&2
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== $name: ok ($((SECONDS - start)) s)" >&2
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "=== $name: FAILED ($((SECONDS - start)) s)" >&2
  fi
}

run_suite "native catch2 (ctest)" ctest --test-dir build/native --output-on-failure
run_suite "native catch2 (asan+ubsan)" env ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 build/native-asan/pf_tests
run_suite "wasm catch2 (node)" node build/wasm-simd-mt/pf_tests.js
run_suite "js (node:test)" node --test tests/js/
run_suite "browser (playwright, chromium)" npx playwright test
run_suite "fuzz (libFuzzer, ${PF_FUZZ_SECONDS:-30} s per target)" bash scripts/fuzz.sh --seconds "${PF_FUZZ_SECONDS:-30}"

if ((failed > 0)); then
  echo "failed suites: ${failed_names[*]}" >&2
fi
echo "suites: $passed passed, $failed failed"
((failed == 0))
