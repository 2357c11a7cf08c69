// This machine's limits measured inside wasm: SIMD arithmetic throughput and
// memory read bandwidth, so kernel results can be printed as % of a limit.
// Every probe returns a rate for `threads` threads running at once, or a
// negative value when this build cannot run it (e.g. relaxed-SIMD
// instructions in a plain SIMD128 build, or any probe in a native build).
#pragma once

namespace pf_bench {

// GOP/s, one multiply-add = 2 ops (the convention of GEMM GOP/s = 2*M*K*N).
double peak_dot_i16x8(int threads);          // i32x4.dot_i16x8_s + i32x4.add
double peak_relaxed_dot_i8x16(int threads);  // i32x4.relaxed_dot_i8x16_i7x16_add_s
double peak_f32_mul_add(int threads);        // f32x4.mul + f32x4.add
double peak_f32_relaxed_madd(int threads);   // f32x4.relaxed_madd

// GB/s (1e9 bytes) reading a buffer far larger than the caches.
double read_bandwidth(int threads);

}  // namespace pf_bench
