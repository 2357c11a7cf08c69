// Decoder kernels (RMSNorm, RoPE in both layouts, SwiGLU, causal GQA
// attention over a KV cache) against their double-precision scalar
// references, on odd shapes.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/activations.h"
#include "kernels/causal_attention.h"
#include "kernels/half_rows.h"
#include "tensor/dtype.h"
#include "formats/gguf_writer.h"
#include "kernels/rms_norm.h"
#include "kernels/rope.h"
#include "kernels/runtime.h"
#include "models/kv_cache.h"

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

TEST_CASE("RMSNorm matches the double reference within 1e-5 relative", "[decoder]") {
  for (size_t dim : {1, 3, 7, 64, 129, 4096}) {
    const size_t rows = 5;
    const auto x = random_vector(rows * dim, 1, 3.f);
    const auto w = random_vector(dim, 2);
    std::vector<float> got(rows * dim), want(rows * dim);
    pf::rms_norm(x.data(), rows, dim, w.data(), 1e-5f, got.data());
    pf::rms_norm_reference(x.data(), rows, dim, w.data(), 1e-5f, want.data());
    INFO("dim " << dim);
    // Outputs are O(|w|) ~ 1..4; f32 accumulation over 4096 terms.
    CHECK(max_abs_diff(got, want) <= 2e-5f);
    // In place (out aliases x).
    std::vector<float> in_place = x;
    pf::rms_norm(in_place.data(), rows, dim, w.data(), 1e-5f, in_place.data());
    CHECK(in_place == got);
  }
  // eps matters for tiny inputs: all-zero rows give zeros, not NaN.
  std::vector<float> zeros(8, 0.f), w(8, 1.f), out(8, 1.f);
  pf::rms_norm(zeros.data(), 1, 8, w.data(), 1e-6f, out.data());
  CHECK(out == zeros);
}

TEST_CASE("RoPE in both layouts matches the double reference", "[decoder]") {
  for (pf::RopeLayout layout : {pf::RopeLayout::kInterleaved, pf::RopeLayout::kHalfSplit}) {
    for (size_t head_dim : {2, 6, 8, 64}) {
      const size_t heads = 3, rows = 4, stride = heads * head_dim + 5;  // strided rows
      const size_t start = 37;
      const float theta = head_dim == 64 ? 1e6f : 1e4f;
      pf::RopeTable table(head_dim, 64, theta);
      const auto x = random_vector(rows * stride, 3);
      std::vector<float> got = x, want = x;
      table.apply(got.data(), rows, stride, heads, start, layout);
      pf::rope_reference(want.data(), rows, stride, heads, head_dim, start, theta, layout);
      INFO(pf::rope_layout_name(layout) << " head_dim " << head_dim);
      // Angles up to 40 rad formed in f32 (as llama2.c and HF do): ~4e-6 rad.
      CHECK(max_abs_diff(got, want) <= 2e-5f);
      // The padding between rows is untouched.
      for (size_t r = 0; r < rows; ++r) {
        for (size_t i = heads * head_dim; i < stride; ++i) {
          REQUIRE(got[r * stride + i] == x[r * stride + i]);
        }
      }
    }
  }
  // The layouts differ: interleaved rotates (x0, x1), half-split (x0, x2).
  pf::RopeTable table(4, 2, 10000.f);
  std::vector<float> a = {1, 0, 0, 0}, b = {1, 0, 0, 0};
  table.apply(a.data(), 1, 4, 1, 1, pf::RopeLayout::kInterleaved);
  table.apply(b.data(), 1, 4, 1, 1, pf::RopeLayout::kHalfSplit);
  CHECK(a[1] == Approx(std::sin(1.0)));
  CHECK(a[2] == 0.f);
  CHECK(b[2] == Approx(std::sin(1.0)));
  CHECK(b[1] == 0.f);
  // Position 0 is the identity.
  std::vector<float> c = {1, 2, 3, 4};
  table.apply(c.data(), 1, 4, 1, 0, pf::RopeLayout::kHalfSplit);
  CHECK(c == std::vector<float>{1, 2, 3, 4});
}

TEST_CASE("SwiGLU matches the double reference", "[decoder]") {
  for (size_t hidden : {1, 5, 172}) {
    const size_t rows = 3;
    const auto gu = random_vector(rows * 2 * hidden, 4, 4.f);
    std::vector<float> got(rows * hidden), want(rows * hidden);
    pf::swiglu(gu.data(), rows, hidden, got.data());
    pf::swiglu_reference(gu.data(), rows, hidden, want.data());
    CHECK(max_abs_diff(got, want) <= 1e-5f);
  }
  CHECK(pf::silu(0.f) == 0.f);
  CHECK(pf::silu(-100.f) == Approx(0.f).margin(1e-30));
  CHECK(pf::silu(100.f) == 100.f);
}

TEST_CASE("Causal GQA attention over the KV cache matches the reference", "[decoder]") {
  const size_t threads = GENERATE(1, 2);
  pf::set_num_threads(threads);
  struct Shape {
    size_t heads, kv_heads, head_dim, start, rows;
  };
  // Prefill from 0, prefill after a prefix, decode, MHA and GQA, odd head_dim,
  // and one big enough to take the threaded path.
  for (Shape s : {Shape{1, 1, 1, 0, 1}, Shape{4, 2, 6, 0, 7}, Shape{8, 4, 8, 5, 3},
                  Shape{6, 1, 5, 11, 1}, Shape{3, 3, 16, 0, 1}, Shape{8, 2, 64, 40, 9}}) {
    const size_t max_pos = s.start + s.rows + 3;
    const size_t q_stride = s.heads * s.head_dim + 2;
    const size_t kv_stride = s.kv_heads * s.head_dim;
    const size_t total = s.start + s.rows;
    const auto q = random_vector(s.rows * q_stride, 5, 2.f);
    const auto k = random_vector(total * kv_stride, 6, 2.f);
    const auto v = random_vector(total * kv_stride, 7);
    for (pf::KvDtype dtype : {pf::KvDtype::kF32, pf::KvDtype::kF16}) {
      pf::KvCache cache(2, s.kv_heads, s.head_dim, max_pos, dtype);
      // Fill layer 1 in two steps, as prefix then new tokens.
      cache.store(1, k.data(), v.data(), s.start, kv_stride, 0);
      cache.store(1, k.data() + s.start * kv_stride, v.data() + s.start * kv_stride, s.rows,
                  kv_stride, s.start);
      // The reference reads an f32 cache of the values the f16 one holds
      // (each rounded to nearest even by the scalar f32_to_f16).
      std::vector<float> kr = k, vr = v;
      if (dtype == pf::KvDtype::kF16) {
        for (float& x : kr) x = pf::f16_to_f32(pf::f32_to_f16(x));
        for (float& x : vr) x = pf::f16_to_f32(pf::f32_to_f16(x));
      }
      pf::KvCache ref(2, s.kv_heads, s.head_dim, max_pos);
      ref.store(1, kr.data(), vr.data(), total, kv_stride, 0);
      const pf::KvLayer ref_layer = ref.layer(1);
      const pf::CausalAttentionShape shape{s.heads, s.kv_heads, s.head_dim, max_pos};
      std::vector<float> got(s.rows * s.heads * s.head_dim), want(got.size());
      pf::causal_attention(q.data(), q_stride, s.rows, s.start, cache.layer(1), shape, got.data());
      pf::causal_attention_reference(q.data(), q_stride, s.rows, s.start,
                                     static_cast<const float*>(ref_layer.keys),
                                     static_cast<const float*>(ref_layer.values), shape,
                                     want.data());
      INFO("heads " << s.heads << " kv " << s.kv_heads << " hd " << s.head_dim << " start "
                    << s.start << " rows " << s.rows << " threads " << threads << " kv "
                    << pf::kv_dtype_name(dtype));
      CHECK(max_abs_diff(got, want) <= 1e-5f);

      // Independent of the cache: position p of kv head g comes from k[p][g].
      const bool exact = dtype == pf::KvDtype::kF32;
      for (size_t r = 0; r < s.rows && exact && s.heads == s.kv_heads && s.start == 0; ++r) {
        if (r == 0) {  // the first token attends only to itself: output = v[0]
          for (size_t h = 0; h < s.heads; ++h) {
            for (size_t i = 0; i < s.head_dim; ++i) {
              REQUIRE(got[h * s.head_dim + i] == Approx(v[h * s.head_dim + i]).margin(1e-6));
            }
          }
        }
      }
    }
  }
  pf::set_num_threads(1);
}

TEST_CASE("f16 KV rows: every half widens exactly, stores round to nearest even", "[decoder]") {
  std::vector<uint16_t> all(65536);
  for (size_t i = 0; i < all.size(); ++i) all[i] = (uint16_t)i;
  std::vector<float> wide(all.size());
  pf::f16_to_f32_row(all.data(), wide.data(), all.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const float want = pf::f16_to_f32(all[i]);
    const bool same = std::isnan(want) ? std::isnan(wide[i]) : wide[i] == want &&
                                                                   std::signbit(wide[i]) == std::signbit(want);
    mismatches += same ? 0 : 1;
  }
  CHECK(mismatches == 0);
  const std::vector<float> x = {0.f, -0.f, 1.f, 65504.f, 1e6f, 1.00048828125f, 5.96e-8f, -3.14159f};
  std::vector<uint16_t> h(x.size());
  pf::f32_to_f16_row(x.data(), h.data(), x.size());
  for (size_t i = 0; i < x.size(); ++i) CHECK(h[i] == pf::f32_to_f16(x[i]));
  CHECK(h[3] == 0x7bff);  // largest finite half
  CHECK(h[4] == 0x7c00);  // overflow: inf
  CHECK(h[5] == 0x3c00);  // 1 + 2^-11 ties to even: 1
}
