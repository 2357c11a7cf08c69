// DecoderWeightSource over a Hugging Face safetensors checkpoint of a
// LlamaForCausalLM / Qwen2ForCausalLM (names model.layers.N.self_attn.q_proj
// etc.), shape-checked against the config and converted to f32.
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

 private:
  const DecoderConfig& config_;
  const SafetensorsFile& file_;
  std::string prefix_;  // "model." for *ForCausalLM, "" for a bare base model
};

}  // namespace pf
