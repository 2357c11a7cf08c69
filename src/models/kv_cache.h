// Preallocated key/value cache of a decoder: per layer and KV head, the
// positions are contiguous rows of head_dim values, so attention's dot
// products and value sums walk memory linearly. Stored as f32, or as IEEE
// half (KvDtype::kF16: half the memory, keys/values rounded to nearest even
// when stored; attention still computes in f32).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/causal_attention.h"

namespace pf {

class KvCache {
 public:
  KvCache() = default;
  // Allocates layers * kv_heads * max_positions * head_dim values for keys
  // and as many for values (kOutOfMemory when that cannot be allocated).
  KvCache(size_t layers, size_t kv_heads, size_t head_dim, size_t max_positions,
          KvDtype dtype = KvDtype::kF32);

  // Copies `rows` tokens' keys and values (row r: kv_heads * head_dim floats
  // at k + r * stride, v + r * stride) into positions start_pos + r.
  void store(size_t layer, const float* k, const float* v, size_t rows, size_t stride,
             size_t start_pos);

  // One layer's [kv_heads][max_positions][head_dim] block.
  KvLayer layer(size_t layer) const;

  KvDtype dtype() const { return dtype_; }
  size_t max_positions() const { return max_positions_; }
  size_t bytes() const { return (k_.size() + v_.size()) * sizeof(float) + (k16_.size() + v16_.size()) * 2; }

 private:
  size_t layer_stride() const { return kv_heads_ * max_positions_ * head_dim_; }

  size_t layers_ = 0, kv_heads_ = 0, head_dim_ = 0, max_positions_ = 0;
  KvDtype dtype_ = KvDtype::kF32;
  std::vector<float> k_, v_;         // kF32
  std::vector<uint16_t> k16_, v16_;  // kF16
};

}  // namespace pf
