// Gpt2WeightSource over a Hugging Face safetensors checkpoint of GPT-2 /
// DistilGPT2 (GPT2LMHeadModel saves "transformer.h.N.attn.c_attn.weight",
// a bare GPT2Model "h.N.attn.c_attn.weight"). HF GPT-2 projections are
// Conv1D modules storing [in, out]; they are transposed here to [out, in].
// The attn.bias / attn.masked_bias buffers of old checkpoints are ignored.
#pragma once

#include <string>

#include "formats/decoder_config.h"
#include "formats/safetensors.h"
#include "models/gpt2_weights.h"

namespace pf {

class HfGpt2Weights : public Gpt2WeightSource {
 public:
  // Both must outlive this object. Throws kCorruptModel when the file has
  // no GPT-2 token embedding under either prefix.
  HfGpt2Weights(const DecoderConfig& config, const SafetensorsFile& file);
  std::vector<float> get(Gpt2Tensor tensor, int layer) const override;

 private:
  // A Conv1D weight stored [in, out], returned as [out, in].
  std::vector<float> conv1d(const std::string& name, int64_t in, int64_t out) const;

  const DecoderConfig& config_;
  const SafetensorsFile& file_;
  std::string prefix_;  // "transformer." for GPT2LMHeadModel, "" for GPT2Model
};

}  // namespace pf
