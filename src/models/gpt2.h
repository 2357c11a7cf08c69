// GPT-2 / DistilGPT2 decoder: token + learned absolute position embeddings,
// pre-LayerNorm blocks (multi-head causal attention with a fused biased QKV
// projection over a preallocated KV cache; GELU MLP), final LayerNorm and an
// LM head tied to the token embedding (unless the config unties it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "formats/decoder_config.h"
#include "kernels/linear.h"
#include "models/decoder_model.h"
#include "models/gpt2_weights.h"
#include "models/kv_cache.h"

namespace pf {

class Gpt2Model : public DecoderModel {
 public:
  // Packs the weights (linear layers in `format`, quantized at load;
  // embeddings and norms stay f32) and allocates the KV cache for
  // config.max_context tokens. config.model_type must be "gpt2". The
  // source may be released once this returns.
  static std::unique_ptr<Gpt2Model> load(const DecoderConfig& config,
                                        const Gpt2WeightSource& weights,
                                        WeightFormat format = WeightFormat::kF32);

  // See DecoderModel::forward. Token start_pos + i sits at position
  // start_pos + i of the learned position table.
  std::vector<float> forward(const int32_t* tokens, size_t n, size_t start_pos) override;
  void reset() override { cached_ = 0; }
  size_t cached_tokens() const override { return cached_; }
  const DecoderConfig& config() const override { return config_; }
  WeightFormat format() const override { return format_; }
  size_t weight_bytes() const override;
  size_t kv_cache_bytes() const override { return cache_.bytes(); }

 private:
  struct Layer {
    std::vector<float> ln1_weight, ln1_bias;
    Linear qkv;  // [3 dim, dim] + bias
    Linear attention_out;
    std::vector<float> ln2_weight, ln2_bias;
    Linear up;    // c_fc [hidden, dim] + bias
    Linear down;  // mlp.c_proj [dim, hidden] + bias
  };

  Gpt2Model(const DecoderConfig& config, WeightFormat format);
  void gelu(const float* x, size_t count, float* out) const;

  DecoderConfig config_;
  WeightFormat format_;
  std::vector<float> token_embedding_;     // [vocab, dim]
  std::vector<float> position_embedding_;  // [max_positions, dim]
  std::vector<Layer> layers_;
  std::vector<float> final_norm_weight_, final_norm_bias_;
  std::unique_ptr<Linear> lm_head_;
  KvCache cache_;
  size_t cached_ = 0;
  // Activations, grown to the largest prefill seen.
  std::vector<float> x_, h_, qkv_, att_, tmp_, up_, act_;
};

}  // namespace pf
