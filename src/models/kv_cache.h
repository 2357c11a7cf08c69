// Preallocated f32 key/value cache of a decoder: per layer and KV head, the
// positions are contiguous rows of head_dim floats, so attention's dot
// products and value sums walk memory linearly.
#pragma once

#include <cstddef>
#include <vector>

namespace pf {

class KvCache {
 public:
  KvCache() = default;
  // Allocates layers * kv_heads * max_positions * head_dim floats for keys
  // and as many for values (kOutOfMemory when that cannot be allocated).
  KvCache(size_t layers, size_t kv_heads, size_t head_dim, size_t max_positions);

  // Copies `rows` tokens' keys and values (row r: kv_heads * head_dim floats
  // at k + r * stride, v + r * stride) into positions start_pos + r.
  void store(size_t layer, const float* k, const float* v, size_t rows, size_t stride,
             size_t start_pos);

  // One layer's [kv_heads][max_positions][head_dim] block.
  const float* keys(size_t layer) const { return k_.data() + layer * layer_stride(); }
  const float* values(size_t layer) const { return v_.data() + layer * layer_stride(); }

  size_t max_positions() const { return max_positions_; }
  size_t bytes() const { return (k_.size() + v_.size()) * sizeof(float); }

 private:
  size_t layer_stride() const { return kv_heads_ * max_positions_ * head_dim_; }

  size_t layers_ = 0, kv_heads_ = 0, head_dim_ = 0, max_positions_ = 0;
  std::vector<float> k_, v_;
};

}  // namespace pf
