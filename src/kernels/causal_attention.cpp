#include "kernels/causal_attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#include "core/error.h"
#include "kernels/half_rows.h"
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
  KvLayer kv;
  CausalAttentionShape shape;
  float* out;
};

// Row p of one KV head's block as f32: in place for an f32 cache, widened
// into `scratch` for f16.
const float* kv_row(const void* head_block, KvDtype dtype, size_t p, size_t hd, float* scratch) {
  if (dtype == KvDtype::kF32) return static_cast<const float*>(head_block) + p * hd;
  f16_to_f32_row(static_cast<const uint16_t*>(head_block) + p * hd, scratch, hd);
  return scratch;
}

const void* head_block(const void* layer, KvDtype dtype, size_t offset) {
  return dtype == KvDtype::kF32 ? (const void*)(static_cast<const float*>(layer) + offset)
                                : (const void*)(static_cast<const uint16_t*>(layer) + offset);
}

// One (row, query head) pair.
void attend(void* context, size_t index) {
  const Task& t = *static_cast<const Task*>(context);
  const size_t heads = t.shape.heads, hd = t.shape.head_dim;
  const size_t row = index / heads, head = index % heads;
  const size_t kv_head = head / (heads / t.shape.kv_heads);
  const size_t count = t.start_pos + row + 1;  // positions this row sees
  const float* q = t.q + row * t.q_stride + head * hd;
  const KvDtype dtype = t.kv.dtype;
  const void* k = head_block(t.kv.keys, dtype, kv_head * t.shape.max_positions * hd);
  const void* v = head_block(t.kv.values, dtype, kv_head * t.shape.max_positions * hd);
  float* y = t.out + row * heads * hd + head * hd;

  // Per-thread score and widened-row buffers, reused across calls (one per
  // pool thread).
  thread_local std::vector<float> scores, scratch;
  if (scores.size() < count) scores.resize(count);
  if (scratch.size() < hd) scratch.resize(hd);
  const float scale = 1.0f / std::sqrt((float)hd);
  float max_score = -INFINITY;
  for (size_t p = 0; p < count; ++p) {
    scores[p] = dot(q, kv_row(k, dtype, p, hd, scratch.data()), hd) * scale;
    max_score = std::max(max_score, scores[p]);
  }
  float sum = 0.f;
  for (size_t p = 0; p < count; ++p) {
    scores[p] = std::exp(scores[p] - max_score);
    sum += scores[p];
  }
  const float inv_sum = 1.0f / sum;
  std::fill(y, y + hd, 0.f);
  for (size_t p = 0; p < count; ++p) {
    axpy(scores[p] * inv_sum, kv_row(v, dtype, p, hd, scratch.data()), y, hd);
  }
}

}  // namespace

const char* kv_dtype_name(KvDtype dtype) { return dtype == KvDtype::kF16 ? "f16" : "f32"; }

KvDtype parse_kv_dtype(const std::string& name) {
  if (name.empty() || name == "f32" || name == "float32") return KvDtype::kF32;
  if (name == "f16" || name == "float16") return KvDtype::kF16;
  fail(ErrorCode::kInvalidArgument, "KV cache dtype '" + name + "' is not one of f32, f16");
}

void causal_attention(const float* q, size_t q_stride, size_t rows, size_t start_pos,
                      const float* keys, const float* values, const CausalAttentionShape& shape,
                      float* out) {
  causal_attention(q, q_stride, rows, start_pos, KvLayer{keys, values, KvDtype::kF32}, shape, out);
}

void causal_attention(const float* q, size_t q_stride, size_t rows, size_t start_pos,
                      const KvLayer& kv, const CausalAttentionShape& shape, float* out) {
  Task task{q, q_stride, start_pos, kv, shape, out};
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
