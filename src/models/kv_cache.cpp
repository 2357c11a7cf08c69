#include "models/kv_cache.h"

#include <algorithm>
#include <new>
#include <string>

#include "core/error.h"

namespace pf {

KvCache::KvCache(size_t layers, size_t kv_heads, size_t head_dim, size_t max_positions)
    : layers_(layers), kv_heads_(kv_heads), head_dim_(head_dim), max_positions_(max_positions) {
  const unsigned long long floats =
      (unsigned long long)layers * kv_heads * head_dim * max_positions;
  if (floats > (unsigned long long)(SIZE_MAX / sizeof(float) / 2)) {
    fail(ErrorCode::kOutOfMemory, "KV cache of " + std::to_string(floats) +
                                      " floats does not fit in memory; lower the context length");
  }
  try {
    k_.assign((size_t)floats, 0.f);
    v_.assign((size_t)floats, 0.f);
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::kOutOfMemory, "cannot allocate a KV cache of " +
                                      std::to_string(2 * floats * sizeof(float) >> 20) +
                                      " MiB; lower the context length");
  }
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
      std::copy_n(k + r * stride + h * head_dim_, head_dim_, k_.data() + dst);
      std::copy_n(v + r * stride + h * head_dim_, head_dim_, v_.data() + dst);
    }
  }
}

}  // namespace pf
