// BERT-family encoder (Hugging Face BertModel / DistilBertModel / RobertaModel
// / ElectraModel semantics): embeddings (encoder_embeddings.h), post-LN
// transformer layers with exact GELU, optional tanh pooler. Architectures
// differ only in tensor names (encoder_names.h) and in their embeddings.
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
  std::vector<float> forward(const EncoderBatch& batch) const;

  // tanh(W h_cls + b) per sequence, [batch, hidden]; requires has_pooler().
  std::vector<float> pool_cls(const std::vector<float>& hidden, size_t batch, size_t seq) const;
  bool has_pooler() const { return pooler_ != nullptr; }

  const EncoderConfig& config() const { return config_; }

 private:
  struct Layer {
    Linear qkv;  // fused [3H, H] projection
    Linear attention_out;
    std::vector<float> attention_ln_gamma, attention_ln_beta;
    Linear intermediate;
    Linear output;
    std::vector<float> output_ln_gamma, output_ln_beta;
  };

  EncoderConfig config_;
  EncoderEmbeddings embeddings_;
  std::vector<Layer> layers_;
  std::unique_ptr<Linear> pooler_;
};

}  // namespace pf
