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
  float* scratch;  // per task: seq scores + head_dim * seq transposed keys
};

// One (sequence, head) pair. Keys are first transposed to [head_dim, seq] so
// that every inner loop runs over contiguous memory element-wise: the
// compiler vectorizes those (SIMD128 / SSE) without reassociating sums.
// Each task owns a preallocated slice of scratch, so worker threads never
// allocate (an allocation failure there could not be reported).
void attention_head(void* context, size_t index) {
  const auto& t = *static_cast<const AttentionTask*>(context);
  const size_t seq = t.shape.seq, hd = t.shape.head_dim, heads = t.shape.heads;
  const size_t b = index / heads, h = index % heads;
  const size_t hidden = heads * hd, row_stride = 3 * hidden;
  const float* base = t.qkv + b * seq * row_stride;
  const uint8_t* mask = t.key_mask + b * seq;
  const float scale = 1.f / std::sqrt((float)hd);
  float* p = t.scratch + index * seq * (hd + 1);
  float* kt = p + seq;

  bool any_key = false;
  for (size_t j = 0; j < seq; ++j) any_key |= mask[j] != 0;
  for (size_t j = 0; j < seq; ++j) {
    const float* k = base + j * row_stride + hidden + h * hd;
    for (size_t d = 0; d < hd; ++d) kt[d * seq + j] = k[d] * scale;
  }

  for (size_t i = 0; i < seq; ++i) {
    const float* q = base + i * row_stride + h * hd;
    for (size_t j = 0; j < seq; ++j) p[j] = 0.f;
    for (size_t d = 0; d < hd; ++d) {
      const float qd = q[d];
      const float* krow = kt + d * seq;
      for (size_t j = 0; j < seq; ++j) p[j] += qd * krow[j];
    }
    // Padding keys get weight exactly 0, as HF's finfo.min additive mask
    // gives after softmax (unless every key is padding, where HF's softmax
    // is uniform over all of them; such rows are padding and unused).
    float max_score = -INFINITY;
    for (size_t j = 0; j < seq; ++j) {
      if (any_key && !mask[j]) continue;
      max_score = std::max(max_score, p[j]);
    }
    float denom = 0.f;
    for (size_t j = 0; j < seq; ++j) {
      const float e = (any_key && !mask[j]) ? 0.f : std::exp(p[j] - max_score);
      p[j] = e;
      denom += e;
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
  std::vector<float> scratch(shape.batch * shape.heads * shape.seq * (shape.head_dim + 1));
  AttentionTask task{qkv, key_mask, shape, out, scratch.data()};
  parallel_for(shape.batch * shape.heads, attention_head, &task,
               /*work=*/shape.batch * shape.heads * shape.seq * shape.seq * shape.head_dim * 2);
}

}  // namespace pf
