// Causal grouped-query self-attention over a KV cache (decoder models).
// Query head h reads KV head h / (heads / kv_heads). Used for prefill (rows =
// several new tokens) and decode (rows = 1) alike.
#pragma once

#include <cstddef>
#include <string>

namespace pf {

// How the KV cache stores keys and values: f32, or IEEE half (half the
// memory; attention widens each row to f32 and computes in f32).
enum class KvDtype { kF32, kF16 };

const char* kv_dtype_name(KvDtype dtype);
// "f32" / "float32" / "" -> kF32, "f16" / "float16" -> kF16; kInvalidArgument
// naming the accepted values otherwise.
KvDtype parse_kv_dtype(const std::string& name);

// One layer's cache, [kv_heads][max_positions][head_dim] keys and values of
// `dtype` (float or uint16_t half bits).
struct KvLayer {
  const void* keys;
  const void* values;
  KvDtype dtype;
};

struct CausalAttentionShape {
  size_t heads;
  size_t kv_heads;       // divides heads
  size_t head_dim;
  size_t max_positions;  // capacity of the cache: stride between KV heads
};

// q: `rows` rows of heads * head_dim values, `q_stride` floats apart; row r
//    is the token at position start_pos + r and attends to positions
//    [0, start_pos + r].
// keys, values: one layer's cache, [kv_heads][max_positions][head_dim],
//    filled for positions [0, start_pos + rows).
// out: [rows, heads * head_dim]. Scores are scaled by 1/sqrt(head_dim) and
// normalized with a max-subtracted softmax.
void causal_attention(const float* q, size_t q_stride, size_t rows, size_t start_pos,
                      const float* keys, const float* values, const CausalAttentionShape& shape,
                      float* out);
// The same over a cache of either dtype.
void causal_attention(const float* q, size_t q_stride, size_t rows, size_t start_pos,
                      const KvLayer& kv, const CausalAttentionShape& shape, float* out);

// Plain double-precision form, the reference for tests.
void causal_attention_reference(const float* q, size_t q_stride, size_t rows, size_t start_pos,
                                const float* keys, const float* values,
                                const CausalAttentionShape& shape, float* out);

}  // namespace pf
