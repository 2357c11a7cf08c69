// Memory read bandwidth: each thread sums its share of a 256 MiB buffer
// (far past any cache) with wide loads and several independent sums, so
// loads, not the adds, are the limit.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

#include "peak_probes.h"
#include "run_concurrently.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace pf_bench {

namespace {

constexpr size_t kBufferBytes = size_t(256) << 20;
std::atomic<uint32_t> g_sink{0};

uint32_t sum_bytes(const uint8_t* p, size_t n) {  // n: a multiple of 64
#ifdef __wasm_simd128__
  v128_t s0 = wasm_i32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < n; i += 64) {
    s0 = wasm_i32x4_add(s0, wasm_v128_load(p + i));
    s1 = wasm_i32x4_add(s1, wasm_v128_load(p + i + 16));
    s2 = wasm_i32x4_add(s2, wasm_v128_load(p + i + 32));
    s3 = wasm_i32x4_add(s3, wasm_v128_load(p + i + 48));
  }
  const v128_t s = wasm_i32x4_add(wasm_i32x4_add(s0, s1), wasm_i32x4_add(s2, s3));
  return (uint32_t)wasm_i32x4_extract_lane(s, 0);
#else
  uint64_t s[8] = {};
  for (size_t i = 0; i < n; i += 64) {
    for (int k = 0; k < 8; ++k) {
      uint64_t v;
      std::memcpy(&v, p + i + 8 * k, 8);
      s[k] += v;
    }
  }
  uint64_t t = 0;
  for (uint64_t v : s) t ^= v;
  return (uint32_t)t;
#endif
}

}  // namespace

double read_bandwidth(int threads) {
  // Written once so every page is really mapped (untouched pages can read
  // as a shared zero page and flatter the result).
  static std::vector<uint8_t> buffer(kBufferBytes, 1);
  const size_t share = kBufferBytes / threads / 64 * 64;
  std::vector<double> times;
  for (int r = 0; r < 5; ++r) {
    times.push_back(run_concurrently(threads, [&](int i) {
      g_sink.fetch_add(sum_bytes(buffer.data() + i * share, share));
    }));
  }
  std::sort(times.begin(), times.end());
  return (double)(share * threads) / times[2] / 1e9;
}

}  // namespace pf_bench
