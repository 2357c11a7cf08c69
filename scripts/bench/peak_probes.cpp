// SIMD arithmetic peaks: many independent accumulator chains of one
// instruction (or pair), so the loop is bound by how many the core retires
// per cycle, not by one chain's latency. Each chain feeds its result back as
// the next input, which keeps the compiler from hoisting or folding the work.
// The best over a few chain counts is reported: too few chains measure
// latency, too many spill registers.
#include "peak_probes.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <vector>

#include "run_concurrently.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace pf_bench {

#ifdef __wasm_simd128__
namespace {

std::atomic<int> g_sink{0};  // the chains' results stay observable

template <int C>
void keep(const v128_t (&acc)[C]) {
  v128_t x = acc[0];
  for (int c = 1; c < C; ++c) x = wasm_v128_xor(x, acc[c]);
  g_sink.fetch_add(wasm_i32x4_extract_lane(x, 0));
}

// One step of each probe; constants are hoisted out of the loop.
v128_t dot_i16x8_step(v128_t a) {
  return wasm_i32x4_add(a, wasm_i32x4_dot_i16x8(a, wasm_i16x8_splat(3)));
}
v128_t f32_mul_add_step(v128_t a) {
  return wasm_f32x4_add(wasm_f32x4_mul(a, wasm_f32x4_splat(0.9999f)), wasm_f32x4_splat(1e-4f));
}
#ifdef __wasm_relaxed_simd__
v128_t relaxed_dot_step(v128_t a) {  // second operand 7-bit, as the instruction requires
  return wasm_i32x4_relaxed_dot_i8x16_i7x16_add(a, wasm_i8x16_splat(3), a);
}
v128_t f32_relaxed_madd_step(v128_t a) {
  return wasm_f32x4_relaxed_madd(a, wasm_f32x4_splat(0.9999f), wasm_f32x4_splat(1e-4f));
}
#endif

// C chains of Step. The start values read as floats near 0.5 (the f32
// steps then stay near 1, far from denormals) and as plain integers.
template <int C, v128_t (*Step)(v128_t)>
void chains(size_t iterations) {
  v128_t acc[C];
  for (int c = 0; c < C; ++c) acc[c] = wasm_i32x4_splat(0x3f000000 + c * 0x10000);
  for (size_t i = 0; i < iterations; ++i) {
    for (int c = 0; c < C; ++c) acc[c] = Step(acc[c]);
  }
  keep(acc);
}

double seconds(void (*kernel)(size_t), size_t iterations) {
  const auto t0 = std::chrono::steady_clock::now();
  kernel(iterations);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// GOP/s of `kernel` (ops_per_iteration per loop trip) on `threads` threads:
// median of 5 runs of about 0.1 s each.
double rate(void (*kernel)(size_t), double ops_per_iteration, int threads) {
  size_t iterations = 1 << 14;
  while (seconds(kernel, iterations) < 0.02) iterations *= 2;
  iterations *= 5;
  std::vector<double> times;
  for (int r = 0; r < 5; ++r) {
    times.push_back(run_concurrently(threads, [&](int) { kernel(iterations); }));
  }
  std::sort(times.begin(), times.end());
  return threads * ops_per_iteration * (double)iterations / times[2] / 1e9;
}

// ops: operations per chain per iteration (a multiply-add counts 2).
template <v128_t (*Step)(v128_t)>
double best_over_chains(double ops, int threads) {
  return std::max({rate(chains<8, Step>, 8 * ops, threads), rate(chains<12, Step>, 12 * ops, threads),
                   rate(chains<14, Step>, 14 * ops, threads)});
}

}  // namespace

// dot_i16x8: 8 multiply-adds per instruction; relaxed dot: 16; f32x4: 4.
double peak_dot_i16x8(int threads) { return best_over_chains<dot_i16x8_step>(16, threads); }
double peak_f32_mul_add(int threads) { return best_over_chains<f32_mul_add_step>(8, threads); }
#ifdef __wasm_relaxed_simd__
double peak_relaxed_dot_i8x16(int threads) { return best_over_chains<relaxed_dot_step>(32, threads); }
double peak_f32_relaxed_madd(int threads) { return best_over_chains<f32_relaxed_madd_step>(8, threads); }
#else
double peak_relaxed_dot_i8x16(int) { return -1; }
double peak_f32_relaxed_madd(int) { return -1; }
#endif

#else  // native build: these probes measure wasm instructions only

double peak_dot_i16x8(int) { return -1; }
double peak_f32_mul_add(int) { return -1; }
double peak_relaxed_dot_i8x16(int) { return -1; }
double peak_f32_relaxed_madd(int) { return -1; }

#endif

}  // namespace pf_bench
