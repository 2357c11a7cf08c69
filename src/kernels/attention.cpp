#include "kernels/attention.h"

#include <cmath>
#include <vector>

#include "kernels/runtime.h"

namespace pf {

namespace {

struct AttentionTask {
  const float* qkv;
  const uint8_t* key_mask;
  AttentionShape shape;
  float* out;
  float* scratch;  // [batch * heads, seq], one score row per task
};

// One (sequence, head) pair: scores for every query row, softmax, weighted
// sum of values. Each task owns one preallocated score row, so worker threads
// never allocate (an allocation failure there could not be reported).
void attention_head(void* context, size_t index) {
  const auto& t = *static_cast<const AttentionTask*>(context);
  const size_t seq = t.shape.seq, hd = t.shape.head_dim, heads = t.shape.heads;
  const size_t b = index / heads, h = index % heads;
  const size_t hidden = heads * hd, row_stride = 3 * hidden;
  const float* base = t.qkv + b * seq * row_stride;
  const uint8_t* mask = t.key_mask + b * seq;
  const float scale = 1.f / std::sqrt((float)hd);

  bool any_key = false;
  for (size_t j = 0; j < seq; ++j) any_key |= mask[j] != 0;

  float* p = t.scratch + index * seq;
  for (size_t i = 0; i < seq; ++i) {
    const float* q = base + i * row_stride + h * hd;
    float max_score = -INFINITY;
    for (size_t j = 0; j < seq; ++j) {
      if (any_key && !mask[j]) continue;
      const float* k = base + j * row_stride + hidden + h * hd;
      float s = 0.f;
      for (size_t d = 0; d < hd; ++d) s += q[d] * k[d];
      p[j] = s * scale;
      if (p[j] > max_score) max_score = p[j];
    }
    float denom = 0.f;
    for (size_t j = 0; j < seq; ++j) {
      if (any_key && !mask[j]) { p[j] = 0.f; continue; }
      p[j] = std::exp(p[j] - max_score);
      denom += p[j];
    }
    const float inv = 1.f / denom;
    float* o = t.out + (b * seq + i) * hidden + h * hd;
    for (size_t d = 0; d < hd; ++d) o[d] = 0.f;
    for (size_t j = 0; j < seq; ++j) {
      if (p[j] == 0.f) continue;
      const float w = p[j] * inv;
      const float* v = base + j * row_stride + 2 * hidden + h * hd;
      for (size_t d = 0; d < hd; ++d) o[d] += w * v[d];
    }
  }
}

}  // namespace

void self_attention(const float* qkv, const uint8_t* key_mask, const AttentionShape& shape,
                    float* out) {
  std::vector<float> scratch(shape.batch * shape.heads * shape.seq);
  AttentionTask task{qkv, key_mask, shape, out, scratch.data()};
  parallel_for(shape.batch * shape.heads, attention_head, &task);
}

}  // namespace pf
