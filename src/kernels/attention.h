// Multi-head scaled-dot-product self-attention for encoders (no KV cache).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pf {

struct AttentionShape {
  size_t batch;
  size_t seq;
  size_t heads;
  size_t head_dim;
};

// qkv: [batch * seq, 3 * heads * head_dim], each row holding q | k | v with
// heads laid out contiguously (the fused projection output).
// key_mask: [batch * seq], 1 = attend, 0 = padding (keys at 0 get zero weight).
// out: [batch * seq, heads * head_dim].
void self_attention(const float* qkv, const uint8_t* key_mask, const AttentionShape& shape,
                    float* out);

}  // namespace pf
