#include "models/hf_decoder_weights.h"

#include "core/error.h"
#include "models/weight_loader.h"

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
      return w.get(prefix_ + l + "mlp.gate_proj.weight", {c.hidden_dim, c.dim});
    case DecoderTensor::kUp:
      return w.get(prefix_ + l + "mlp.up_proj.weight", {c.hidden_dim, c.dim});
    case DecoderTensor::kDown:
      return w.get(prefix_ + l + "mlp.down_proj.weight", {c.dim, c.hidden_dim});
    case DecoderTensor::kFinalNorm:
      return w.get(prefix_ + "norm.weight", {c.dim});
    case DecoderTensor::kLmHead:
      return w.get("lm_head.weight", {c.vocab_size, c.dim});
  }
  fail(ErrorCode::kInternal, "unknown decoder tensor");
}

}  // namespace pf
