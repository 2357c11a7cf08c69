// Kernel benchmark: GEMM (M=128) and GEMV (M=1) through pf::Linear for each
// weight format and thread count. Prints medians and GOP/s; never fails on
// timing. Built natively and to wasm (run under node) by CMake.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "kernels/linear.h"
#include "kernels/runtime.h"

namespace {

double median_ms(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int max_threads = argc > 1 ? std::atoi(argv[1]) : 2;
  struct Shape { size_t m, k, n; };
  const Shape shapes[] = {{128, 384, 1536}, {128, 576, 1536}, {128, 768, 3072},
                          {1, 384, 1536},   {1, 576, 1536},   {1, 768, 3072}};
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.f, 1.f);
  std::printf("%-6s %-5s %4s %5s %5s %7s %10s %9s\n", "kind", "fmt", "M", "K", "N", "threads",
              "median_ms", "GOP/s");
  for (int threads = 1; threads <= max_threads; ++threads) {
    pf::set_num_threads((size_t)threads);
    for (const Shape& s : shapes) {
      std::vector<float> x(s.m * s.k), w(s.n * s.k), b(s.n), y(s.m * s.n);
      for (float& v : x) v = dist(rng);
      for (float& v : w) v = dist(rng);
      for (float& v : b) v = dist(rng);
      for (auto format : {pf::WeightFormat::kF32, pf::WeightFormat::kInt8, pf::WeightFormat::kInt4}) {
        pf::Linear linear(s.k, s.n, w.data(), b.data(), format);
        for (int i = 0; i < 3; ++i) linear.run(x.data(), s.m, y.data());
        std::vector<double> samples;
        const int iterations = s.m == 1 ? 200 : 20;
        for (int i = 0; i < iterations; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          linear.run(x.data(), s.m, y.data());
          const auto t1 = std::chrono::steady_clock::now();
          samples.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
        const double ms = median_ms(samples);
        const double gops = 2.0 * s.m * s.k * s.n / (ms * 1e6);
        std::printf("%-6s %-5s %4zu %5zu %5zu %7d %10.4f %9.2f\n", s.m == 1 ? "gemv" : "gemm",
                    pf::weight_format_name(format), s.m, s.k, s.n, threads, ms, gops);
      }
    }
  }
  pf::set_num_threads(1);
  return 0;
}
