// Gpt2WeightSource over a llama.cpp "gpt2" GGUF: token_embd, position_embd,
// blk.N.{attn_norm,attn_qkv,attn_output,ffn_norm,ffn_up,ffn_down}.{weight,
// bias}, output_norm.{weight,bias}, output.weight (absent when tied).
// llama.cpp's converter stores the Conv1D projections transposed to
// nn.Linear's [out, in] (ggml ne = {in, out}), so no transpose here; each
// tensor is shape-checked and dequantized from whatever ggml type it has.
#pragma once

#include <string>

#include "formats/decoder_config.h"
#include "formats/gguf.h"
#include "models/gpt2_weights.h"

namespace pf {

class GgufGpt2Weights : public Gpt2WeightSource {
 public:
  // Both must outlive this object.
  GgufGpt2Weights(const DecoderConfig& config, const GgufFile& file);
  std::vector<float> get(Gpt2Tensor tensor, int layer) const override;

  // The GGUF tensor name of `tensor` ("blk.3.attn_qkv.weight", ...).
  static std::string tensor_name(Gpt2Tensor tensor, int layer);

 private:
  const DecoderConfig& config_;
  const GgufFile& file_;
};

}  // namespace pf
