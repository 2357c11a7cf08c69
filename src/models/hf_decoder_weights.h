// DecoderWeightSource over a Hugging Face safetensors checkpoint of a
// LlamaForCausalLM / Qwen2ForCausalLM (names model.layers.N.self_attn.q_proj
// etc.), shape-checked against the config and converted to f32. A layer's
// FFN width comes from its gate/up/down shapes, so checkpoints whose FFN
// neurons were structurally pruned (`pocketformer prune`) load too.
#pragma once

#include "formats/decoder_config.h"
#include "formats/safetensors.h"
#include "models/decoder_weights.h"

namespace pf {

class HfDecoderWeights : public DecoderWeightSource {
 public:
  // Both must outlive this object.
  HfDecoderWeights(const DecoderConfig& config, const SafetensorsFile& file);
  std::vector<float> get(DecoderTensor tensor, int layer) const override;
  // gate_proj's rows. kCorruptModel naming the tensor unless gate_proj and
  // up_proj are [F, hidden_size] and down_proj [hidden_size, F] with
  // 1 <= F <= intermediate_size (config.json keeps the unpruned width).
  int64_t ffn_width(const DecoderConfig& config, int layer) const override;
  // What every name but lm_head.weight starts with.
  const std::string& prefix() const { return prefix_; }

 private:
  const DecoderConfig& config_;
  const SafetensorsFile& file_;
  std::string prefix_;  // "model." for *ForCausalLM, "" for a bare base model
};

}  // namespace pf
