#include "models/gguf_gpt2_weights.h"

#include "core/error.h"
#include "models/gguf_decoder_weights.h"

namespace pf {

std::string GgufGpt2Weights::tensor_name(Gpt2Tensor tensor, int layer) {
  const std::string b = "blk." + std::to_string(layer) + ".";
  switch (tensor) {
    case Gpt2Tensor::kTokenEmbedding: return "token_embd.weight";
    case Gpt2Tensor::kPositionEmbedding: return "position_embd.weight";
    case Gpt2Tensor::kAttentionNormWeight: return b + "attn_norm.weight";
    case Gpt2Tensor::kAttentionNormBias: return b + "attn_norm.bias";
    case Gpt2Tensor::kQkv: return b + "attn_qkv.weight";
    case Gpt2Tensor::kQkvBias: return b + "attn_qkv.bias";
    case Gpt2Tensor::kAttentionOut: return b + "attn_output.weight";
    case Gpt2Tensor::kAttentionOutBias: return b + "attn_output.bias";
    case Gpt2Tensor::kFfnNormWeight: return b + "ffn_norm.weight";
    case Gpt2Tensor::kFfnNormBias: return b + "ffn_norm.bias";
    case Gpt2Tensor::kFfnUp: return b + "ffn_up.weight";
    case Gpt2Tensor::kFfnUpBias: return b + "ffn_up.bias";
    case Gpt2Tensor::kFfnDown: return b + "ffn_down.weight";
    case Gpt2Tensor::kFfnDownBias: return b + "ffn_down.bias";
    case Gpt2Tensor::kFinalNormWeight: return "output_norm.weight";
    case Gpt2Tensor::kFinalNormBias: return "output_norm.bias";
    case Gpt2Tensor::kLmHead: return "output.weight";
  }
  fail(ErrorCode::kInternal, "unknown gpt2 tensor");
}

GgufGpt2Weights::GgufGpt2Weights(const DecoderConfig& config, const GgufFile& file)
    : config_(config), file_(file) {}

std::vector<float> GgufGpt2Weights::get(Gpt2Tensor tensor, int layer) const {
  const DecoderConfig& c = config_;
  int64_t rows = 0, cols = c.dim;  // rows 0: a vector of cols values
  switch (tensor) {
    case Gpt2Tensor::kTokenEmbedding:
    case Gpt2Tensor::kLmHead: rows = c.vocab_size; break;
    case Gpt2Tensor::kPositionEmbedding: rows = c.max_positions; break;
    case Gpt2Tensor::kQkv: rows = 3 * c.dim; break;
    case Gpt2Tensor::kQkvBias: cols = 3 * c.dim; break;
    case Gpt2Tensor::kAttentionOut: rows = c.dim; break;
    case Gpt2Tensor::kFfnUp: rows = c.hidden_dim; break;
    case Gpt2Tensor::kFfnUpBias: cols = c.hidden_dim; break;
    case Gpt2Tensor::kFfnDown: rows = c.dim, cols = c.hidden_dim; break;
    default: break;  // norms and the dim-sized biases
  }
  const bool matrix = rows > 0;
  return read_gguf_tensor(file_, tensor_name(tensor, layer), matrix ? rows : 1, cols, matrix);
}

}  // namespace pf
