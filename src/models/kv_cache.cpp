#include "models/kv_cache.h"

#include <algorithm>
#include <new>
#include <string>

#include "core/error.h"
#include "kernels/half_rows.h"

namespace pf {

KvCache::KvCache(size_t layers, size_t kv_heads, size_t head_dim, size_t max_positions,
                 KvDtype dtype)
    : layers_(layers), kv_heads_(kv_heads), head_dim_(head_dim), max_positions_(max_positions),
      dtype_(dtype) {
  const unsigned long long values =
      (unsigned long long)layers * kv_heads * head_dim * max_positions;
  const size_t element = dtype == KvDtype::kF16 ? 2 : sizeof(float);
  if (values > (unsigned long long)(SIZE_MAX / sizeof(float) / 2)) {
    fail(ErrorCode::kOutOfMemory, "KV cache of " + std::to_string(values) +
                                      " values does not fit in memory; lower the context length");
  }
  try {
    if (dtype == KvDtype::kF16) {
      k16_.assign((size_t)values, 0);
      v16_.assign((size_t)values, 0);
    } else {
      k_.assign((size_t)values, 0.f);
      v_.assign((size_t)values, 0.f);
    }
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::kOutOfMemory, "cannot allocate a KV cache of " +
                                      std::to_string(2 * values * element >> 20) +
                                      " MiB; lower the context length" +
                                      (dtype == KvDtype::kF32 ? " or use an f16 KV cache" : ""));
  }
}

KvLayer KvCache::layer(size_t layer) const {
  const size_t offset = layer * layer_stride();
  if (dtype_ == KvDtype::kF16) return KvLayer{k16_.data() + offset, v16_.data() + offset, dtype_};
  return KvLayer{k_.data() + offset, v_.data() + offset, dtype_};
}

void KvCache::store(size_t layer, const float* k, const float* v, size_t rows, size_t stride,
                    size_t start_pos) {
  if (layer >= layers_ || start_pos > max_positions_ || rows > max_positions_ - start_pos) {
    fail(ErrorCode::kInternal, "KV cache store out of range (layer " + std::to_string(layer) +
                                   ", positions " + std::to_string(start_pos) + ".." +
                                   std::to_string(start_pos + rows) + ")");
  }
  for (size_t r = 0; r < rows; ++r) {
    for (size_t h = 0; h < kv_heads_; ++h) {
      const size_t dst = layer * layer_stride() + (h * max_positions_ + start_pos + r) * head_dim_;
      const float* ks = k + r * stride + h * head_dim_;
      const float* vs = v + r * stride + h * head_dim_;
      if (dtype_ == KvDtype::kF16) {
        f32_to_f16_row(ks, k16_.data() + dst, head_dim_);
        f32_to_f16_row(vs, v16_.data() + dst, head_dim_);
      } else {
        std::copy_n(ks, head_dim_, k_.data() + dst);
        std::copy_n(vs, head_dim_, v_.data() + dst);
      }
    }
  }
}

}  // namespace pf
