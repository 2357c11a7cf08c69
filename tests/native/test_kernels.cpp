#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/attention.h"
#include "kernels/linear.h"
#include "kernels/norms.h"
#include "kernels/runtime.h"
#include "tensor/quantize.h"

namespace {

std::vector<float> random_vector(size_t n, uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  float m = 0.f;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace

TEST_CASE("Linear f32 matches the double-accumulated reference on odd shapes") {
  const size_t threads = GENERATE(1, 2);
  pf::set_num_threads(threads);
  struct Shape { size_t rows, in, out; };
  for (Shape s : {Shape{1, 1, 1}, Shape{1, 7, 3}, Shape{5, 33, 17}, Shape{64, 128, 300},
                  Shape{3, 384, 1}}) {
    const auto x = random_vector(s.rows * s.in, 1);
    const auto w = random_vector(s.out * s.in, 2);
    const auto b = random_vector(s.out, 3);
    std::vector<float> got(s.rows * s.out), want(s.rows * s.out);
    pf::Linear linear(s.in, s.out, w.data(), b.data());
    linear.run(x.data(), s.rows, got.data());
    pf::linear_reference(x.data(), s.rows, s.in, s.out, w.data(), b.data(), want.data());
    INFO("threads " << threads << " rows " << s.rows << " in " << s.in << " out " << s.out);
    // f32 accumulation over K terms of unit-variance products: error grows
    // like sqrt(K) * 2^-24 * |terms|; 1e-4 * sqrt(K) is a loose bound.
    CHECK(max_abs_diff(got, want) <= 1e-4f * std::sqrt((float)s.in) + 1e-5f);
  }
  pf::set_num_threads(1);
}

TEST_CASE("layer_norm with residual matches a double reference") {
  const size_t rows = 9, dim = 77;
  const auto x = random_vector(rows * dim, 4, 3.f);
  const auto r = random_vector(rows * dim, 5, 3.f);
  const auto g = random_vector(dim, 6);
  const auto b = random_vector(dim, 7);
  std::vector<float> got(rows * dim);
  pf::layer_norm(x.data(), r.data(), rows, dim, g.data(), b.data(), 1e-12f, got.data());
  std::vector<float> want(rows * dim);
  for (size_t i = 0; i < rows; ++i) {
    double mean = 0, var = 0;
    for (size_t d = 0; d < dim; ++d) mean += (double)x[i * dim + d] + r[i * dim + d];
    mean /= dim;
    for (size_t d = 0; d < dim; ++d) {
      const double c = (double)x[i * dim + d] + r[i * dim + d] - mean;
      var += c * c;
    }
    var /= dim;
    for (size_t d = 0; d < dim; ++d) {
      want[i * dim + d] =
          (float)(((double)x[i * dim + d] + r[i * dim + d] - mean) / std::sqrt(var + 1e-12) * g[d] + b[d]);
    }
  }
  CHECK(max_abs_diff(got, want) <= 2e-5f);
}

TEST_CASE("gelu_erf (XNNPACK) and its reference match the closed form") {
  std::vector<float> x = {-6.f, -1.f, -0.5f, 0.f, 0.5f, 1.f, 3.f};
  for (int i = 0; i < 1000; ++i) x.push_back(-8.f + 0.0161f * (float)i);
  std::vector<float> y = x, r = x;
  pf::gelu_erf(y.data(), y.size());
  pf::gelu_erf_reference(r.data(), r.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = 0.5 * x[i] * (1.0 + std::erf(x[i] / std::sqrt(2.0)));
    INFO("x = " << x[i]);
    CHECK(y[i] == Approx(want).margin(2e-6).epsilon(1e-5));
    CHECK(r[i] == Approx(want).margin(1e-6));
  }
}

TEST_CASE("self_attention honours the key mask and matches a naive reference") {
  const size_t threads = GENERATE(1, 2);
  pf::set_num_threads(threads);
  const pf::AttentionShape shape{2, 5, 3, 4};
  const size_t hidden = shape.heads * shape.head_dim;
  const auto qkv = random_vector(shape.batch * shape.seq * 3 * hidden, 8);
  // Second sequence has two padding positions at the end.
  const std::vector<uint8_t> mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
  std::vector<float> got(shape.batch * shape.seq * hidden);
  pf::self_attention(qkv.data(), mask.data(), shape, got.data());

  std::vector<float> want(got.size());
  for (size_t b = 0; b < shape.batch; ++b)
    for (size_t h = 0; h < shape.heads; ++h)
      for (size_t i = 0; i < shape.seq; ++i) {
        std::vector<double> p(shape.seq);
        double mx = -1e300, denom = 0;
        for (size_t j = 0; j < shape.seq; ++j) {
          double s = 0;
          for (size_t d = 0; d < shape.head_dim; ++d)
            s += (double)qkv[(b * shape.seq + i) * 3 * hidden + h * shape.head_dim + d] *
                 qkv[(b * shape.seq + j) * 3 * hidden + hidden + h * shape.head_dim + d];
          s /= std::sqrt((double)shape.head_dim);
          if (!mask[b * shape.seq + j]) s += -3.4e38;  // as HF's finfo.min mask
          p[j] = s;
          mx = std::max(mx, s);
        }
        for (double& v : p) { v = std::exp(v - mx); denom += v; }
        for (size_t d = 0; d < shape.head_dim; ++d) {
          double acc = 0;
          for (size_t j = 0; j < shape.seq; ++j)
            acc += p[j] / denom *
                   qkv[(b * shape.seq + j) * 3 * hidden + 2 * hidden + h * shape.head_dim + d];
          want[(b * shape.seq + i) * hidden + h * shape.head_dim + d] = (float)acc;
        }
      }
  CHECK(max_abs_diff(got, want) <= 1e-5f);
  pf::set_num_threads(1);
}

TEST_CASE("quantize/dequantize round trip stays within half a step") {
  const size_t rows = 7, cols = 33;
  auto w = random_vector(rows * cols, 9);
  w[5] = 0.f;
  std::fill(w.begin() + 2 * cols, w.begin() + 3 * cols, 0.f);  // an all-zero row
  const auto q8 = pf::quantize_int8_per_channel(w.data(), rows, cols);
  const auto q4 = pf::quantize_int4_per_channel(w.data(), rows, cols);
  const auto d8 = pf::dequantize_int8(q8);
  const auto d4 = pf::dequantize_int4(q4);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      INFO("row " << r << " col " << c);
      CHECK(std::fabs(d8[r * cols + c] - w[r * cols + c]) <= 0.5f * q8.scales[r] + 1e-7f);
      // 4-bit scales may clip outliers (error search), which then sit at
      // the end of the range.
      const float s4 = q4.scales[r], aw = std::fabs(w[r * cols + c]);
      CHECK(std::fabs(d4[r * cols + c] - w[r * cols + c]) <= std::max(0.5f * s4, aw - 7.f * s4) + 1e-6f);
    }
  }
  CHECK(d8[2 * cols] == 0.f);
  CHECK(d4[2 * cols] == 0.f);
  // Blockwise 4-bit (bf16 scales per 32 columns) round-trips within half a
  // step of its own block's scale, clipping aside.
  const size_t bcols = 64;
  const auto wb = random_vector(rows * bcols, 10);
  const auto qb = pf::quantize_int4_blockwise(wb.data(), rows, bcols, 32);
  const auto db = pf::dequantize_int4(qb);
  REQUIRE(qb.scales.size() == rows * 2);
  for (size_t i = 0; i < wb.size(); ++i) {
    const float s = qb.scales[(i / bcols) * 2 + (i % bcols) / 32];
    CHECK(std::fabs(db[i] - wb[i]) <= std::max(0.5f * s, std::fabs(wb[i]) - 7.f * s) + 1e-6f);
  }
  CHECK_THROWS(pf::quantize_int4_blockwise(wb.data(), rows, bcols, 48));
  std::vector<float> bad(cols, 1.f);
  bad[3] = NAN;
  CHECK_THROWS(pf::quantize_int8_per_channel(bad.data(), 1, cols));
}

namespace {

// Emulates dynamic per-row int8 activation quantization (asymmetric, as
// XNNPACK's f32->qd8 does) so the quantized kernels can be checked tightly
// against the arithmetic they are meant to perform.
std::vector<float> fake_quantize_rows(const std::vector<float>& x, size_t rows, size_t cols) {
  std::vector<float> out(x.size());
  for (size_t r = 0; r < rows; ++r) {
    float lo = 0.f, hi = 0.f;
    for (size_t c = 0; c < cols; ++c) {
      lo = std::min(lo, x[r * cols + c]);
      hi = std::max(hi, x[r * cols + c]);
    }
    const float scale = (hi - lo) / 255.f;
    const float zero = std::nearbyint(-128.f - lo / scale);
    for (size_t c = 0; c < cols; ++c) {
      const float q = std::min(127.f, std::max(-128.f, std::nearbyint(x[r * cols + c] / scale + zero)));
      out[r * cols + c] = (q - zero) * scale;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("Linear int8/int4 compute what their quantized weights and inputs say") {
  const size_t threads = GENERATE(1, 2);
  pf::set_num_threads(threads);
  struct Shape { size_t rows, in, out; };
  for (Shape s : {Shape{1, 1, 1}, Shape{1, 33, 7}, Shape{5, 64, 17}, Shape{9, 384, 300},
                  Shape{2, 31, 1}, Shape{128, 64, 64}, Shape{4, 64, 192}, Shape{3, 64, 100},
                  // x86's 14-row qb4w tile with a 2- and 3-row remainder
                  // (overwrote the last row before Linear padded the params)
                  Shape{2, 64, 64}, Shape{16, 64, 64}, Shape{17, 96, 40}}) {
    const auto x = random_vector(s.rows * s.in, 11);
    const auto w = random_vector(s.out * s.in, 12);
    const auto b = random_vector(s.out, 13);
    const auto xq = fake_quantize_rows(x, s.rows, s.in);
    // int4 twice: blockwise (qb4w, where in % 32 == 0) and per-channel (qc4w, the default).
    for (int variant = 0; variant < 3; ++variant) {
      const auto format = variant == 0 ? pf::WeightFormat::kInt8 : pf::WeightFormat::kInt4;
      pf::set_int4_blockwise(variant == 1);
      pf::Linear linear(s.in, s.out, w.data(), b.data(), format);
      pf::set_int4_blockwise(false);
      CHECK(linear.block_size() == (variant == 1 && s.in % 32 == 0 ? 32u : 0u));
      const auto q =
          format == pf::WeightFormat::kInt8
              ? pf::dequantize_int8(pf::quantize_int8_per_channel(w.data(), s.out, s.in))
          : linear.block_size()
              ? pf::dequantize_int4(pf::quantize_int4_blockwise(w.data(), s.out, s.in, linear.block_size()))
              : pf::dequantize_int4(pf::quantize_int4_per_channel(w.data(), s.out, s.in));
      std::vector<float> got(s.rows * s.out), want(s.rows * s.out), exact(s.rows * s.out);
      linear.run(x.data(), s.rows, got.data());
      pf::linear_reference(xq.data(), s.rows, s.in, s.out, q.data(), b.data(), want.data());
      pf::linear_reference(x.data(), s.rows, s.in, s.out, w.data(), b.data(), exact.data());
      INFO(pf::weight_format_name(format) << " block " << linear.block_size() << " threads "
                                          << threads << " rows " << s.rows
                                          << " in " << s.in << " out " << s.out);
      // Against the emulated integer arithmetic: only f32 rounding of the
      // final scale products differs (the int32 sums are exact); the zero
      // point may round differently at .5 ties, so allow one activation step.
      CHECK(max_abs_diff(got, want) <= 2e-2f * std::sqrt((float)s.in) + 1e-4f);
      // Against f32: the quantization error itself, relative to the output scale.
      double err = 0, norm = 0;
      for (size_t i = 0; i < got.size(); ++i) {
        err += (got[i] - exact[i]) * (double)(got[i] - exact[i]);
        norm += exact[i] * (double)exact[i];
      }
      const double rel = std::sqrt(err / std::max(norm, 1e-30));
      CHECK(rel < (format == pf::WeightFormat::kInt8 ? 0.03 : 0.25));
    }
  }
  pf::set_num_threads(1);
}
