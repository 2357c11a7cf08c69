#include "models/gguf_decoder_weights.h"

#include <map>

#include "core/error.h"

namespace pf {

std::string GgufDecoderWeights::tensor_name(DecoderTensor tensor, int layer) {
  const std::string b = "blk." + std::to_string(layer) + ".";
  switch (tensor) {
    case DecoderTensor::kTokenEmbedding: return "token_embd.weight";
    case DecoderTensor::kAttentionNorm: return b + "attn_norm.weight";
    case DecoderTensor::kQuery: return b + "attn_q.weight";
    case DecoderTensor::kKey: return b + "attn_k.weight";
    case DecoderTensor::kValue: return b + "attn_v.weight";
    case DecoderTensor::kQueryBias: return b + "attn_q.bias";
    case DecoderTensor::kKeyBias: return b + "attn_k.bias";
    case DecoderTensor::kValueBias: return b + "attn_v.bias";
    case DecoderTensor::kAttentionOut: return b + "attn_output.weight";
    case DecoderTensor::kFfnNorm: return b + "ffn_norm.weight";
    case DecoderTensor::kGate: return b + "ffn_gate.weight";
    case DecoderTensor::kUp: return b + "ffn_up.weight";
    case DecoderTensor::kDown: return b + "ffn_down.weight";
    case DecoderTensor::kFinalNorm: return "output_norm.weight";
    case DecoderTensor::kLmHead: return "output.weight";
  }
  fail(ErrorCode::kInternal, "unknown decoder tensor");
}

GgufDecoderWeights::GgufDecoderWeights(const DecoderConfig& config, const GgufFile& file)
    : config_(config), file_(file) {}

std::vector<float> GgufDecoderWeights::get(DecoderTensor tensor, int layer) const {
  const DecoderConfig& c = config_;
  // PyTorch shape [rows, cols] (a vector is [cols]); ggml ne = {cols, rows}.
  int64_t rows = 1, cols = 0;
  switch (tensor) {
    case DecoderTensor::kTokenEmbedding:
    case DecoderTensor::kLmHead: rows = c.vocab_size; cols = c.dim; break;
    case DecoderTensor::kAttentionNorm:
    case DecoderTensor::kFfnNorm:
    case DecoderTensor::kFinalNorm: cols = c.dim; break;
    case DecoderTensor::kQuery: rows = c.q_dim(); cols = c.dim; break;
    case DecoderTensor::kKey:
    case DecoderTensor::kValue: rows = c.kv_dim(); cols = c.dim; break;
    case DecoderTensor::kQueryBias: cols = c.q_dim(); break;
    case DecoderTensor::kKeyBias:
    case DecoderTensor::kValueBias: cols = c.kv_dim(); break;
    case DecoderTensor::kAttentionOut: rows = c.dim; cols = c.q_dim(); break;
    case DecoderTensor::kGate:
    case DecoderTensor::kUp: rows = c.hidden_dim; cols = c.dim; break;
    case DecoderTensor::kDown: rows = c.dim; cols = c.hidden_dim; break;
  }
  const bool matrix = rows > 1 || tensor == DecoderTensor::kTokenEmbedding ||
                      tensor == DecoderTensor::kLmHead || tensor == DecoderTensor::kQuery ||
                      tensor == DecoderTensor::kKey || tensor == DecoderTensor::kValue ||
                      tensor == DecoderTensor::kAttentionOut || tensor == DecoderTensor::kGate ||
                      tensor == DecoderTensor::kUp || tensor == DecoderTensor::kDown;
  return read_gguf_tensor(file_, tensor_name(tensor, layer), rows, cols, matrix);
}

std::vector<float> read_gguf_tensor(const GgufFile& file, const std::string& name, int64_t rows,
                                    int64_t cols, bool matrix) {
  const GgufTensor* t = file.find_tensor(name);
  if (t == nullptr) {
    fail(ErrorCode::kCorruptModel, file.file_name() + ": missing tensor '" + name + "'");
  }
  // ggml drops trailing 1s of ne when writing; accept them either way.
  std::vector<int64_t> ne = t->ne;
  while (ne.size() > (matrix ? 2u : 1u) && ne.back() == 1) ne.pop_back();
  const std::vector<int64_t> want = matrix ? std::vector<int64_t>{cols, rows}
                                           : std::vector<int64_t>{cols};
  if (ne != want) {
    std::string w = "[" + std::to_string(cols) + (matrix ? ", " + std::to_string(rows) : "") + "]";
    fail(ErrorCode::kCorruptModel, file.file_name() + ": tensor '" + name + "' has ne " +
                                       t->shape_string() + ", expected " + w + " (ggml order)");
  }
  std::vector<float> out((size_t)(rows * cols));
  dequantize_rows(*t, 0, t->rows(), out.data());
  return out;
}

WeightFormat default_weight_format(const GgufFile& file) {
  std::map<WeightFormat, int64_t> elements;
  for (const GgufTensor& t : file.tensors()) {
    if (t.name.rfind("blk.", 0) != 0 || t.ne.size() < 2) continue;  // layer matrices only
    WeightFormat f = WeightFormat::kF32;
    switch (t.type) {
      case GgmlType::kF32:
      case GgmlType::kF16:
      case GgmlType::kBF16: f = WeightFormat::kF32; break;
      case GgmlType::kQ8_0:
      case GgmlType::kQ8_K:
      case GgmlType::kQ6_K:
      case GgmlType::kQ5_0:
      case GgmlType::kQ5_1:
      case GgmlType::kQ5_K: f = WeightFormat::kInt8; break;
      default: f = WeightFormat::kInt4; break;  // Q4_*, Q3_K, Q2_K
    }
    elements[f] += t.numel();
  }
  WeightFormat best = WeightFormat::kF32;
  int64_t most = -1;
  for (const auto& [format, count] : elements) {
    if (count > most) best = format, most = count;
  }
  return best;
}

}  // namespace pf
