#include "kernels/causal_attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#include "kernels/runtime.h"

namespace pf {

namespace {

float dot(const float* a, const float* b, size_t n) {
  size_t i = 0;
#ifdef __wasm_simd128__
  v128_t acc = wasm_f32x4_splat(0.f);
  for (; i + 4 <= n; i += 4) {
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  }
  float s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
            wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
#else
  float a0 = 0.f, a1 = 0.f, a2 = 0.f, a3 = 0.f;
  for (; i + 4 <= n; i += 4) {
    a0 += a[i] * b[i];
    a1 += a[i + 1] * b[i + 1];
    a2 += a[i + 2] * b[i + 2];
    a3 += a[i + 3] * b[i + 3];
  }
  float s = (a0 + a1) + (a2 + a3);
#endif
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// y += a * x
void axpy(float a, const float* x, float* y, size_t n) {
  size_t i = 0;
#ifdef __wasm_simd128__
  const v128_t va = wasm_f32x4_splat(a);
  for (; i + 4 <= n; i += 4) {
    wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(y + i),
                                          wasm_f32x4_mul(va, wasm_v128_load(x + i))));
  }
#endif
  for (; i < n; ++i) y[i] += a * x[i];
}

struct Task {
  const float* q;
  size_t q_stride;
  size_t start_pos;
  const float* keys;
  const float* values;
  CausalAttentionShape shape;
  float* out;
};

// One (row, query head) pair.
void attend(void* context, size_t index) {
  const Task& t = *static_cast<const Task*>(context);
  const size_t heads = t.shape.heads, hd = t.shape.head_dim;
  const size_t row = index / heads, head = index % heads;
  const size_t kv_head = head / (heads / t.shape.kv_heads);
  const size_t count = t.start_pos + row + 1;  // positions this row sees
  const float* q = t.q + row * t.q_stride + head * hd;
  const float* k = t.keys + kv_head * t.shape.max_positions * hd;
  const float* v = t.values + kv_head * t.shape.max_positions * hd;
  float* y = t.out + row * heads * hd + head * hd;

  // Per-thread score buffer, reused across calls (one per pool thread).
  thread_local std::vector<float> scores;
  if (scores.size() < count) scores.resize(count);
  const float scale = 1.0f / std::sqrt((float)hd);
  float max_score = -INFINITY;
  for (size_t p = 0; p < count; ++p) {
    scores[p] = dot(q, k + p * hd, hd) * scale;
    max_score = std::max(max_score, scores[p]);
  }
  float sum = 0.f;
  for (size_t p = 0; p < count; ++p) {
    scores[p] = std::exp(scores[p] - max_score);
    sum += scores[p];
  }
  const float inv_sum = 1.0f / sum;
  std::fill(y, y + hd, 0.f);
  for (size_t p = 0; p < count; ++p) axpy(scores[p] * inv_sum, v + p * hd, y, hd);
}

}  // namespace

void causal_attention(const float* q, size_t q_stride, size_t rows, size_t start_pos,
                      const float* keys, const float* values, const CausalAttentionShape& shape,
                      float* out) {
  Task task{q, q_stride, start_pos, keys, values, shape, out};
  const size_t tasks = rows * shape.heads;
  // Work ~ tasks * positions * head_dim multiply-adds (twice).
  parallel_for(tasks, attend, &task, /*work=*/tasks * (start_pos + rows) * shape.head_dim * 2);
}

void causal_attention_reference(const float* q, size_t q_stride, size_t rows, size_t start_pos,
                                const float* keys, const float* values,
                                const CausalAttentionShape& shape, float* out) {
  const size_t hd = shape.head_dim, group = shape.heads / shape.kv_heads;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t h = 0; h < shape.heads; ++h) {
      const size_t count = start_pos + r + 1;
      const float* k = keys + (h / group) * shape.max_positions * hd;
      const float* v = values + (h / group) * shape.max_positions * hd;
      std::vector<double> s(count);
      double m = -INFINITY;
      for (size_t p = 0; p < count; ++p) {
        double d = 0.0;
        for (size_t i = 0; i < hd; ++i) d += (double)q[r * q_stride + h * hd + i] * k[p * hd + i];
        s[p] = d / std::sqrt((double)hd);
        m = std::max(m, s[p]);
      }
      double z = 0.0;
      for (double& x : s) z += (x = std::exp(x - m));
      for (size_t i = 0; i < hd; ++i) {
        double acc = 0.0;
        for (size_t p = 0; p < count; ++p) acc += s[p] * v[p * hd + i];
        out[r * shape.heads * hd + h * hd + i] = (float)(acc / z);
      }
    }
  }
}

}  // namespace pf
