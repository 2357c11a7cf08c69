#include "models/hf_decoder_weights.h"

#include "core/error.h"
#include "models/weight_loader.h"
#include "tensor/shape_text.h"

namespace pf {

HfDecoderWeights::HfDecoderWeights(const DecoderConfig& config, const SafetensorsFile& file)
    : config_(config), file_(file) {
  if (file.find("model.embed_tokens.weight")) {
    prefix_ = "model.";
  } else if (!file.find("embed_tokens.weight")) {
    fail(ErrorCode::kCorruptModel, file.file_name() + ": missing tensor 'model.embed_tokens.weight'"
                                                      " (not a " + config.model_type +
                                                      " checkpoint?)");
  }
}

int64_t HfDecoderWeights::ffn_width(const DecoderConfig& c, int layer) const {
  const std::string mlp = prefix_ + "layers." + std::to_string(layer) + ".mlp.";
  const WeightLoader w(file_, "");
  const std::vector<int64_t>& gate = w.shape(mlp + "gate_proj.weight");
  const int64_t F = gate.size() == 2 ? gate[0] : 0;
  auto corrupt = [&](const std::string& tensor, const std::string& what) {
    fail(ErrorCode::kCorruptModel, file_.file_name() + ": tensor '" + mlp + tensor + "' has shape " +
                                       shape_text(w.shape(mlp + tensor)) + " but " + what);
  };
  if (gate.size() != 2 || gate[1] != c.dim || F < 1 || F > c.hidden_dim) {
    corrupt("gate_proj.weight", "must be [F, " + std::to_string(c.dim) + "] with 1 <= F <= " +
                                    "intermediate_size " + std::to_string(c.hidden_dim));
  }
  if (w.shape(mlp + "up_proj.weight") != std::vector<int64_t>{F, c.dim}) {
    corrupt("up_proj.weight", "gate_proj.weight is " + shape_text(gate) + " (the two must agree)");
  }
  if (w.shape(mlp + "down_proj.weight") != std::vector<int64_t>{c.dim, F}) {
    corrupt("down_proj.weight", "gate_proj.weight is " + shape_text(gate) + " (down_proj must be [" +
                                    std::to_string(c.dim) + ", " + std::to_string(F) + "])");
  }
  return F;
}

std::vector<float> HfDecoderWeights::get(DecoderTensor tensor, int layer) const {
  const DecoderConfig& c = config_;
  const std::string l = "layers." + std::to_string(layer) + ".";
  WeightLoader w(file_, "");
  switch (tensor) {
    case DecoderTensor::kTokenEmbedding:
      return w.get(prefix_ + "embed_tokens.weight", {c.vocab_size, c.dim});
    case DecoderTensor::kAttentionNorm:
      return w.get(prefix_ + l + "input_layernorm.weight", {c.dim});
    case DecoderTensor::kQuery:
      return w.get(prefix_ + l + "self_attn.q_proj.weight", {c.q_dim(), c.dim});
    case DecoderTensor::kKey:
      return w.get(prefix_ + l + "self_attn.k_proj.weight", {c.kv_dim(), c.dim});
    case DecoderTensor::kValue:
      return w.get(prefix_ + l + "self_attn.v_proj.weight", {c.kv_dim(), c.dim});
    case DecoderTensor::kQueryBias:
      return w.get(prefix_ + l + "self_attn.q_proj.bias", {c.q_dim()});
    case DecoderTensor::kKeyBias:
      return w.get(prefix_ + l + "self_attn.k_proj.bias", {c.kv_dim()});
    case DecoderTensor::kValueBias:
      return w.get(prefix_ + l + "self_attn.v_proj.bias", {c.kv_dim()});
    case DecoderTensor::kAttentionOut:
      return w.get(prefix_ + l + "self_attn.o_proj.weight", {c.dim, c.q_dim()});
    case DecoderTensor::kFfnNorm:
      return w.get(prefix_ + l + "post_attention_layernorm.weight", {c.dim});
    case DecoderTensor::kGate:
      return w.get(prefix_ + l + "mlp.gate_proj.weight", {ffn_width(c, layer), c.dim});
    case DecoderTensor::kUp:
      return w.get(prefix_ + l + "mlp.up_proj.weight", {ffn_width(c, layer), c.dim});
    case DecoderTensor::kDown:
      return w.get(prefix_ + l + "mlp.down_proj.weight", {c.dim, ffn_width(c, layer)});
    case DecoderTensor::kFinalNorm:
      return w.get(prefix_ + "norm.weight", {c.dim});
    case DecoderTensor::kLmHead:
      return w.get("lm_head.weight", {c.vocab_size, c.dim});
  }
  fail(ErrorCode::kInternal, "unknown decoder tensor");
}

}  // namespace pf
