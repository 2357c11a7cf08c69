// Rotary position embeddings (RoPE) for the Llama family.
// Two layouts of the rotated pairs within a head of size d exist in the wild:
//  - kInterleaved: pairs (x[2i], x[2i+1]); llama2.c checkpoints and GGUF
//    Llama weights (their q/k rows are permuted for it);
//  - kHalfSplit: pairs (x[i], x[i + d/2]), HF's rotate_half (safetensors
//    Llama / Qwen2).
// Pair i rotates by angle pos * theta^(-2i/d) in both layouts.
#pragma once

#include <cstddef>
#include <vector>

namespace pf {

enum class RopeLayout { kInterleaved, kHalfSplit };

const char* rope_layout_name(RopeLayout layout);

class RopeTable {
 public:
  // Precomputes cos/sin for positions [0, max_positions). Angles are formed
  // in f32 exactly as llama2.c and HF do (theta^(-2i/d) via powf, times the
  // position, then cosf/sinf), so the rotations match theirs bit for bit.
  RopeTable(size_t head_dim, size_t max_positions, float theta);

  // x: `rows` rows, row r at position start_pos + r, each holding `heads`
  // heads of head_dim values contiguously, rows `row_stride` floats apart.
  // Requires start_pos + rows <= max_positions (checked by the caller).
  void apply(float* x, size_t rows, size_t row_stride, size_t heads, size_t start_pos,
             RopeLayout layout) const;

  size_t head_dim() const { return head_dim_; }
  size_t max_positions() const { return max_positions_; }

 private:
  size_t head_dim_;
  size_t max_positions_;
  std::vector<float> cos_, sin_;  // [pos][head_dim / 2]
};

// Direct double-precision evaluation, the reference for tests.
void rope_reference(float* x, size_t rows, size_t row_stride, size_t heads, size_t head_dim,
                    size_t start_pos, double theta, RopeLayout layout);

}  // namespace pf
