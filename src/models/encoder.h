// BERT-family encoder (Hugging Face BertModel / DistilBertModel / RobertaModel
// / ElectraModel / AlbertModel semantics): embeddings (encoder_embeddings.h),
// post-LN transformer layers with GELU (erf or tanh, per hidden_act),
// optional tanh pooler. Architectures differ in tensor names
// (encoder_names.h), in their embeddings, and for ALBERT in sharing layers:
// each stored layer is loaded once and run at every step that uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "formats/model_config.h"
#include "formats/safetensors.h"
#include "kernels/linear.h"
#include "models/encoder_embeddings.h"

namespace pf {

struct EncoderBatch {
  size_t batch = 0;
  size_t seq = 0;
  std::vector<int32_t> input_ids;       // [batch * seq]
  std::vector<int32_t> token_type_ids;  // [batch * seq]
  std::vector<uint8_t> attention_mask;  // [batch * seq], 1 = real token
};

// Sees the activations structured pruning ranks neurons by, during forward.
// `mask` is the batch's attention_mask (rows at 0 are padding).
class EncoderProbe {
 public:
  virtual ~EncoderProbe() = default;
  // context: [rows, heads * head_dim], attention output before its projection.
  virtual void attention_context(size_t layer, const float* context, size_t rows, size_t heads,
                                 size_t head_dim, const uint8_t* mask) = 0;
  // activations: [rows, width], the FFN's GELU output.
  virtual void ffn_activations(size_t layer, const float* activations, size_t rows, size_t width,
                               const uint8_t* mask) = 0;
};

class EncoderModel {
 public:
  // Validates every tensor against the config and packs the weights; the
  // safetensors buffer may be released once this returns.
  // `format` picks the precision of the linear layers (quantized at load
  // from whatever the file stores); embeddings and norms stay f32.
  static std::unique_ptr<EncoderModel> load(const EncoderConfig& config,
                                         const SafetensorsFile& weights,
                                         WeightFormat format = WeightFormat::kF32);

  // Returns last_hidden_state, [batch * seq, hidden_size].
  // `probe` (optional) sees every layer's activations.
  std::vector<float> forward(const EncoderBatch& batch, EncoderProbe* probe = nullptr) const;

  // tanh(W h_cls + b) per sequence, [batch, hidden]; requires has_pooler().
  std::vector<float> pool_cls(const std::vector<float>& hidden, size_t batch, size_t seq) const;
  bool has_pooler() const { return pooler_ != nullptr; }

  const EncoderConfig& config() const { return config_; }
  // Per executed layer; differ from the config in structurally pruned models.
  size_t layer_heads(size_t layer) const { return step_layer(layer).heads; }
  size_t layer_ffn_width(size_t layer) const {
    return step_layer(layer).intermediate.out_features();
  }
  // Layers run per forward (config.executed_layers()) and distinct layers
  // held (config.stored_layers(); fewer when ALBERT shares them).
  size_t executed_layers() const { return steps_.size(); }
  size_t stored_layers() const { return layers_.size(); }

 private:
  struct Layer {
    size_t heads;  // kept attention heads (pruned layers have fewer)
    Linear qkv;  // fused [3 * heads * head_dim, H] projection
    Linear attention_out;
    std::vector<float> attention_ln_gamma, attention_ln_beta;
    Linear intermediate;
    Linear output;
    std::vector<float> output_ln_gamma, output_ln_beta;
  };

  const Layer& step_layer(size_t step) const { return layers_.at(steps_.at(step)); }

  EncoderConfig config_;
  EncoderEmbeddings embeddings_;
  std::vector<Layer> layers_;  // as stored
  std::vector<size_t> steps_;  // per executed layer, its index in layers_
  std::unique_ptr<Linear> pooler_;
};

}  // namespace pf
