// DecoderWeightSource over a llama.cpp-style GGUF (token_embd.weight,
// blk.N.attn_q.weight, ..., output_norm.weight, output.weight): each tensor
// is shape-checked against the config (ggml order: ne[0] is the input dim,
// so a PyTorch [out, in] matrix has ne = {in, out}) and dequantized to f32
// row by row with dequantize_rows, whatever ggml type it is stored in.
#pragma once

#include <string>

#include "formats/decoder_config.h"
#include "formats/gguf.h"
#include "kernels/linear.h"
#include "models/decoder_weights.h"

namespace pf {

class GgufDecoderWeights : public DecoderWeightSource {
 public:
  // Both must outlive this object.
  GgufDecoderWeights(const DecoderConfig& config, const GgufFile& file);
  std::vector<float> get(DecoderTensor tensor, int layer) const override;

  // The GGUF tensor name of `tensor` ("blk.3.attn_q.weight", ...).
  static std::string tensor_name(DecoderTensor tensor, int layer);

 private:
  const DecoderConfig& config_;
  const GgufFile& file_;
};

// Tensor `name` of `file` as row-major f32 [rows, cols] (`matrix`) or
// [cols] (a vector), after checking its ne is {cols, rows} / {cols};
// kCorruptModel naming the tensor otherwise.
std::vector<float> read_gguf_tensor(const GgufFile& file, const std::string& name, int64_t rows,
                                    int64_t cols, bool matrix);

// The Linear format that keeps what the file stores without inflating it:
// int8 when the layer matrices are mostly Q8_0 (or other 8-bit/5/6-bit
// blocks), 4-bit for Q4_*/Q2/Q3 blocks, f32 for float files. Judged by the
// largest share of linear-layer elements.
WeightFormat default_weight_format(const GgufFile& file);

}  // namespace pf
