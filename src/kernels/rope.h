// Rotary position embeddings (RoPE) for the Llama family.
// Two layouts of the rotated pairs within a head of size d exist in the wild:
//  - kInterleaved: pairs (x[2i], x[2i+1]); llama2.c checkpoints and GGUF
//    Llama weights (their q/k rows are permuted for it);
//  - kHalfSplit: pairs (x[i], x[i + d/2]), HF's rotate_half (safetensors
//    Llama / Qwen2).
// Pair i rotates by angle pos * inv_freq[i]; unscaled, inv_freq[i] =
// theta^(-2i/d) in both layouts. The rope_scaling variants of HF's
// modeling_rope_utils change inv_freq (and YaRN also scales cos/sin).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pf {

enum class RopeLayout { kInterleaved, kHalfSplit };

const char* rope_layout_name(RopeLayout layout);

// config.json's rope_scaling (HF transformers' rope types), or GGUF's
// rope.scaling.* keys / rope_freqs tensor mapped onto the same fields.
struct RopeScaling {
  enum class Type { kNone, kLinear, kDynamic, kLlama3, kYarn };
  Type type = Type::kNone;
  double factor = 1.0;
  // dynamic: max_position_embeddings (NTK scaling starts past it);
  // llama3 / yarn: the pre-extension context length.
  int64_t original_max_positions = 0;
  double low_freq_factor = 1.0, high_freq_factor = 4.0;  // llama3
  double beta_fast = 32.0, beta_slow = 1.0;              // yarn
  bool truncate = true;                                  // yarn: floor/ceil the ramp ends
  double attention_factor = 1.0;  // yarn: multiplies cos and sin (resolved at parse time)
  // GGUF rope_freqs.weight (Llama 3.1 exports): inv_freq[i] /= freq_factors[i].
  std::vector<float> freq_factors;
};

const char* rope_scaling_name(RopeScaling::Type type);

// inv_freq[i], i < head_dim / 2, as HF's _compute_*_parameters form them
// (float32, the same operation order). seq_len matters only for kDynamic
// (values <= original_max_positions give the unscaled frequencies).
std::vector<float> rope_inv_freq(size_t head_dim, float theta, const RopeScaling& scaling,
                                 int64_t seq_len = 0);

class RopeTable {
 public:
  // Precomputes cos/sin for positions [first_position, first_position +
  // positions). Angles are formed in f32 exactly as llama2.c and HF do
  // (inv_freq times the position, then cosf/sinf), so the rotations match
  // theirs bit for bit; cos and sin are then multiplied by attention_factor.
  RopeTable(std::vector<float> inv_freq, size_t first_position, size_t positions,
            float attention_factor = 1.f);
  // The unscaled table for positions [0, max_positions).
  RopeTable(size_t head_dim, size_t max_positions, float theta);

  // x: `rows` rows, row r at position start_pos + r, each holding `heads`
  // heads of head_dim values contiguously, rows `row_stride` floats apart.
  // Requires [start_pos, start_pos + rows) within the table's positions
  // (checked by the caller).
  void apply(float* x, size_t rows, size_t row_stride, size_t heads, size_t start_pos,
             RopeLayout layout) const;

  size_t head_dim() const { return head_dim_; }
  size_t first_position() const { return first_; }
  size_t max_positions() const { return first_ + positions_; }

 private:
  size_t head_dim_;
  size_t first_ = 0, positions_ = 0;
  std::vector<float> cos_, sin_;  // [pos - first][head_dim / 2]
};

// Direct double-precision evaluation, the reference for tests.
void rope_reference(float* x, size_t rows, size_t row_stride, size_t heads, size_t head_dim,
                    size_t start_pos, double theta, RopeLayout layout);

}  // namespace pf
