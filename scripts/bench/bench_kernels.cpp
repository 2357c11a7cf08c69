// Kernel benchmark: GEMM (M=128) and GEMV (M=1) through pf::Linear for each
// weight format and thread count, printed against this machine's limits
// measured by our own probes (peak_probes.h): GEMM as % of the SIMD
// multiply-add peak, GEMV as % of memory read bandwidth (weight bytes read
// per second). Prints medians; never fails on timing. Built natively, to
// wasm for node (pf_bench_kernels.js) and to wasm for browsers
// (pf_bench_kernels_web.mjs, see scripts/bench/browser/).
// Each result is also printed as a `JSON {...}` line for scripts that merge
// several runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/linear.h"
#include "kernels/runtime.h"
#include "peak_probes.h"

namespace {

#if defined(__wasm_relaxed_simd__)
const char* kBuild = "wasm relaxed-SIMD";
#elif defined(__wasm_simd128__)
const char* kBuild = "wasm SIMD128";
#else
const char* kBuild = "native";
#endif

double median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Limits {
  double dot_i16x8, relaxed_dot, f32_mul_add, f32_madd, bandwidth;
  double int8_peak() const { return std::max(dot_i16x8, relaxed_dot); }
  double f32_peak() const { return std::max(f32_mul_add, f32_madd); }
};

Limits measure_limits(int threads) {
  return {pf_bench::peak_dot_i16x8(threads), pf_bench::peak_relaxed_dot_i8x16(threads),
          pf_bench::peak_f32_mul_add(threads), pf_bench::peak_f32_relaxed_madd(threads),
          pf_bench::read_bandwidth(threads)};
}

void print_limit(const char* name, const char* unit, int threads, double value) {
  if (value < 0) {
    std::printf("  %-40s %d thr  n/a in this build\n", name, threads);
    return;
  }
  std::printf("  %-40s %d thr  %8.2f %s\n", name, threads, value, unit);
  std::printf("JSON {\"limit\":\"%s\",\"threads\":%d,\"value\":%.4f,\"unit\":\"%s\"}\n", name,
              threads, value, unit);
}

enum class Format { kF32, kInt8, kInt4PerChannel, kInt4Block32 };
const Format kFormats[] = {Format::kF32, Format::kInt8, Format::kInt4PerChannel,
                           Format::kInt4Block32};

const char* format_name(Format f) {
  switch (f) {
    case Format::kF32: return "f32";
    case Format::kInt8: return "qc8w";
    case Format::kInt4PerChannel: return "qc4w";
    case Format::kInt4Block32: return "qb4w";
  }
  return "?";
}

std::unique_ptr<pf::Linear> make_layer(Format f, size_t k, size_t n, const float* w,
                                       const float* b) {
  const bool blockwise_default = pf::int4_blockwise();
  pf::set_int4_blockwise(f == Format::kInt4Block32);
  const pf::WeightFormat wf = f == Format::kF32    ? pf::WeightFormat::kF32
                              : f == Format::kInt8 ? pf::WeightFormat::kInt8
                                                   : pf::WeightFormat::kInt4;
  auto layer = std::make_unique<pf::Linear>(k, n, w, b, wf);
  pf::set_int4_blockwise(blockwise_default);
  return layer;
}

// A GEMV reads each weight once; to measure memory, not cache, it cycles
// through copies of the layer totalling at least this many bytes (as a
// decoder step walks through all its layers).
constexpr size_t kGemvWorkingSet = size_t(128) << 20;

}  // namespace

// Usage: pf_bench_kernels [max_threads=2] [limits]  ("limits": the probes only)
int main(int argc, char** argv) {
  const int max_threads = std::max(1, argc > 1 ? std::atoi(argv[1]) : 2);
  const bool limits_only = argc > 2 && std::string(argv[2]) == "limits";
  std::printf("pocketformer kernel benchmark, %s build\n", kBuild);
  std::printf("== limits (our probes; multiply-add = 2 ops)\n");
  std::vector<Limits> limits(max_threads + 1);
  for (int t = 1; t <= max_threads; ++t) {
    limits[t] = measure_limits(t);
    print_limit("i32x4.dot_i16x8_s + i32x4.add", "GOP/s", t, limits[t].dot_i16x8);
    print_limit("i32x4.relaxed_dot_i8x16_i7x16_add_s", "GOP/s", t, limits[t].relaxed_dot);
    print_limit("f32x4.mul + f32x4.add", "GFLOP/s", t, limits[t].f32_mul_add);
    print_limit("f32x4.relaxed_madd", "GFLOP/s", t, limits[t].f32_madd);
    print_limit("read bandwidth (256 MiB buffer)", "GB/s", t, limits[t].bandwidth);
  }
  if (limits_only) return 0;

  struct Shape { size_t m, k, n; };
  const Shape shapes[] = {{128, 384, 1536}, {128, 576, 1536}, {128, 768, 3072},
                          {1, 384, 1536},   {1, 576, 1536},   {1, 768, 3072}};
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.f, 1.f);
  std::printf("== kernels (GEMM %% of the int8 dot / f32 multiply-add peak; GEMV %% of read "
              "bandwidth)\n");
  std::printf("%-5s %-5s %4s %5s %5s %3s %10s %9s %9s %7s\n", "kind", "fmt", "M", "K", "N",
              "thr", "median_ms", "GOP/s", "wGB/s", "%limit");
  for (const Shape& s : shapes) {
    const bool gemv = s.m == 1;
    std::vector<float> x(s.m * s.k), w(s.n * s.k), b(s.n), y(s.m * s.n);
    for (float& v : x) v = dist(rng);
    for (float& v : w) v = dist(rng);
    for (float& v : b) v = dist(rng);
    for (Format f : kFormats) {
      std::vector<std::unique_ptr<pf::Linear>> layers;
      layers.push_back(make_layer(f, s.k, s.n, w.data(), b.data()));
      const size_t bytes = layers[0]->weight_bytes();
      while (gemv && layers.size() * bytes < kGemvWorkingSet) {
        layers.push_back(make_layer(f, s.k, s.n, w.data(), b.data()));
      }
      for (int t = 1; t <= max_threads; ++t) {
        pf::set_num_threads((size_t)t);
        for (auto& layer : layers) layer->run(x.data(), s.m, y.data());  // warm up
        std::vector<double> samples;
        for (int i = 0; i < (gemv ? 15 : 20); ++i) {
          const double t0 = now_ms();
          for (auto& layer : layers) layer->run(x.data(), s.m, y.data());
          samples.push_back((now_ms() - t0) / layers.size());
        }
        const double ms = median(samples);
        const double gops = 2.0 * s.m * s.k * s.n / (ms * 1e6);
        const double weight_gbs = bytes / (ms * 1e6);
        const double limit = gemv ? limits[t].bandwidth
                             : f == Format::kF32 ? limits[t].f32_peak()
                                                 : limits[t].int8_peak();
        const double percent = limit > 0 ? 100.0 * (gemv ? weight_gbs : gops) / limit : -1;
        std::printf("%-5s %-5s %4zu %5zu %5zu %3d %10.4f %9.2f %9.2f %6.1f%%\n",
                    gemv ? "gemv" : "gemm", format_name(f), s.m, s.k, s.n, t, ms, gops,
                    weight_gbs, percent);
        std::printf("JSON {\"kind\":\"%s\",\"fmt\":\"%s\",\"m\":%zu,\"k\":%zu,\"n\":%zu,"
                    "\"threads\":%d,\"ms\":%.5f,\"gops\":%.4f,\"weight_gbs\":%.4f,"
                    "\"percent\":%.2f}\n",
                    gemv ? "gemv" : "gemm", format_name(f), s.m, s.k, s.n, t, ms, gops,
                    weight_gbs, percent);
      }
    }
  }
  pf::set_num_threads(1);
  return 0;
}
