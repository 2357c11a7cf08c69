#include "models/hf_gpt2_weights.h"

#include "core/error.h"
#include "models/weight_loader.h"

namespace pf {

HfGpt2Weights::HfGpt2Weights(const DecoderConfig& config, const SafetensorsFile& file)
    : config_(config), file_(file) {
  if (file.find("transformer.wte.weight")) {
    prefix_ = "transformer.";
  } else if (!file.find("wte.weight")) {
    fail(ErrorCode::kCorruptModel, file.file_name() +
                                       ": missing tensor 'transformer.wte.weight' (nor "
                                       "'wte.weight'): not a gpt2 checkpoint?");
  }
}

std::vector<float> HfGpt2Weights::conv1d(const std::string& name, int64_t in, int64_t out) const {
  const std::vector<float> stored = WeightLoader(file_, prefix_).get(name, {in, out});
  std::vector<float> t(stored.size());
  for (int64_t i = 0; i < in; ++i) {
    for (int64_t o = 0; o < out; ++o) t[(size_t)(o * in + i)] = stored[(size_t)(i * out + o)];
  }
  return t;
}

std::vector<float> HfGpt2Weights::get(Gpt2Tensor tensor, int layer) const {
  const DecoderConfig& c = config_;
  const std::string h = "h." + std::to_string(layer) + ".";
  const WeightLoader w(file_, prefix_);
  switch (tensor) {
    case Gpt2Tensor::kTokenEmbedding: return w.get("wte.weight", {c.vocab_size, c.dim});
    case Gpt2Tensor::kPositionEmbedding: return w.get("wpe.weight", {c.max_positions, c.dim});
    case Gpt2Tensor::kAttentionNormWeight: return w.get(h + "ln_1.weight", {c.dim});
    case Gpt2Tensor::kAttentionNormBias: return w.get(h + "ln_1.bias", {c.dim});
    case Gpt2Tensor::kQkv: return conv1d(h + "attn.c_attn.weight", c.dim, 3 * c.dim);
    case Gpt2Tensor::kQkvBias: return w.get(h + "attn.c_attn.bias", {3 * c.dim});
    case Gpt2Tensor::kAttentionOut: return conv1d(h + "attn.c_proj.weight", c.dim, c.dim);
    case Gpt2Tensor::kAttentionOutBias: return w.get(h + "attn.c_proj.bias", {c.dim});
    case Gpt2Tensor::kFfnNormWeight: return w.get(h + "ln_2.weight", {c.dim});
    case Gpt2Tensor::kFfnNormBias: return w.get(h + "ln_2.bias", {c.dim});
    case Gpt2Tensor::kFfnUp: return conv1d(h + "mlp.c_fc.weight", c.dim, c.hidden_dim);
    case Gpt2Tensor::kFfnUpBias: return w.get(h + "mlp.c_fc.bias", {c.hidden_dim});
    case Gpt2Tensor::kFfnDown: return conv1d(h + "mlp.c_proj.weight", c.hidden_dim, c.dim);
    case Gpt2Tensor::kFfnDownBias: return w.get(h + "mlp.c_proj.bias", {c.dim});
    case Gpt2Tensor::kFinalNormWeight: return w.get("ln_f.weight", {c.dim});
    case Gpt2Tensor::kFinalNormBias: return w.get("ln_f.bias", {c.dim});
    case Gpt2Tensor::kLmHead:
      // An nn.Linear outside the transformer: [vocab, dim], no prefix.
      return WeightLoader(file_, "").get("lm_head.weight", {c.vocab_size, c.dim});
  }
  fail(ErrorCode::kInternal, "unknown gpt2 tensor");
}

}  // namespace pf
