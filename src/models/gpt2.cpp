#include "models/gpt2.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "kernels/causal_attention.h"
#include "kernels/gelu_tanh.h"
#include "kernels/norms.h"

namespace pf {

namespace {

void add_in_place(float* x, const float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] += y[i];
}

}  // namespace

Gpt2Model::Gpt2Model(const DecoderConfig& config, WeightFormat format)
    : config_(config),
      format_(format),
      cache_((size_t)config.n_layers, (size_t)config.n_heads, (size_t)config.head_dim,
             (size_t)config.max_context, config.kv_dtype) {}

std::unique_ptr<Gpt2Model> Gpt2Model::load(const DecoderConfig& config,
                                           const Gpt2WeightSource& w, WeightFormat format) {
  const std::string source = "gpt2 config";
  if (config.model_type != "gpt2") {
    fail(ErrorCode::kBadConfig, source + ": model_type '" + config.model_type + "' is not gpt2");
  }
  validate_decoder_config(config, source);
  // Positions index the learned table, so the context cannot outgrow it; and
  // GPT-2 attention is plain multi-head with head_dim * heads == dim.
  if (config.max_positions < 1 || config.max_context > config.max_positions) {
    fail(ErrorCode::kBadConfig, source + ": max_context " + std::to_string(config.max_context) +
                                    " exceeds the " + std::to_string(config.max_positions) +
                                    " learned positions");
  }
  if (config.n_kv_heads != config.n_heads || config.q_dim() != config.dim) {
    fail(ErrorCode::kBadConfig, source + ": gpt2 needs n_kv_heads == n_heads and "
                                         "n_heads * head_dim == dim");
  }
  if (!(config.layer_norm_eps > 0.f && config.layer_norm_eps <= 1.f)) {
    fail(ErrorCode::kBadConfig, source + ": layer_norm_eps must be in (0, 1]");
  }
  const size_t D = (size_t)config.dim, F = (size_t)config.hidden_dim,
               V = (size_t)config.vocab_size;
  auto model = std::unique_ptr<Gpt2Model>(new Gpt2Model(config, format));
  model->token_embedding_ = w.get(Gpt2Tensor::kTokenEmbedding, 0);
  model->position_embedding_ = w.get(Gpt2Tensor::kPositionEmbedding, 0);
  model->layers_.reserve((size_t)config.n_layers);
  for (int i = 0; i < (int)config.n_layers; ++i) {
    const std::vector<float> qkv = w.get(Gpt2Tensor::kQkv, i);
    const std::vector<float> qkv_bias = w.get(Gpt2Tensor::kQkvBias, i);
    const std::vector<float> out = w.get(Gpt2Tensor::kAttentionOut, i);
    const std::vector<float> out_bias = w.get(Gpt2Tensor::kAttentionOutBias, i);
    const std::vector<float> up = w.get(Gpt2Tensor::kFfnUp, i);
    const std::vector<float> up_bias = w.get(Gpt2Tensor::kFfnUpBias, i);
    const std::vector<float> down = w.get(Gpt2Tensor::kFfnDown, i);
    const std::vector<float> down_bias = w.get(Gpt2Tensor::kFfnDownBias, i);
    model->layers_.push_back(Layer{
        w.get(Gpt2Tensor::kAttentionNormWeight, i),
        w.get(Gpt2Tensor::kAttentionNormBias, i),
        Linear(D, 3 * D, qkv.data(), qkv_bias.data(), format),
        Linear(D, D, out.data(), out_bias.data(), format),
        w.get(Gpt2Tensor::kFfnNormWeight, i),
        w.get(Gpt2Tensor::kFfnNormBias, i),
        Linear(D, F, up.data(), up_bias.data(), format),
        Linear(F, D, down.data(), down_bias.data(), format),
    });
  }
  model->final_norm_weight_ = w.get(Gpt2Tensor::kFinalNormWeight, 0);
  model->final_norm_bias_ = w.get(Gpt2Tensor::kFinalNormBias, 0);
  if (config.tied_embeddings) {
    model->lm_head_.reset(new Linear(D, V, model->token_embedding_.data(), nullptr, format));
  } else {
    const std::vector<float> head = w.get(Gpt2Tensor::kLmHead, 0);
    model->lm_head_.reset(new Linear(D, V, head.data(), nullptr, format));
  }
  return model;
}

void Gpt2Model::gelu(const float* x, size_t count, float* out) const {
  if (config_.gelu == GeluKind::kTanh) {
    gelu_tanh(x, count, out);
  } else {
    std::copy_n(x, count, out);
    gelu_erf(out, count);
  }
}

std::vector<float> Gpt2Model::forward(const int32_t* tokens, size_t n, size_t start_pos) {
  const DecoderConfig& c = config_;
  check_decoder_forward(c, tokens, n, start_pos, cached_);
  const size_t D = (size_t)c.dim, F = (size_t)c.hidden_dim, QKV = 3 * D;
  // Positions from start_pos on are overwritten below; should anything throw
  // midway, only the untouched prefix stays valid.
  cached_ = start_pos;
  x_.resize(n * D);
  h_.resize(n * D);
  qkv_.resize(n * QKV);
  att_.resize(n * D);
  tmp_.resize(n * D);
  up_.resize(n * F);
  act_.resize(n * F);

  // max_context <= max_positions (checked at load), so every position has a row.
  for (size_t i = 0; i < n; ++i) {
    const float* te = token_embedding_.data() + (size_t)tokens[i] * D;
    const float* pe = position_embedding_.data() + (start_pos + i) * D;
    float* x = x_.data() + i * D;
    for (size_t j = 0; j < D; ++j) x[j] = te[j] + pe[j];
  }
  const CausalAttentionShape shape{(size_t)c.n_heads, (size_t)c.n_heads, (size_t)c.head_dim,
                                   cache_.max_positions()};
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    layer_norm(x_.data(), nullptr, n, D, layer.ln1_weight.data(), layer.ln1_bias.data(),
               c.layer_norm_eps, h_.data());
    layer.qkv.run(h_.data(), n, qkv_.data());
    cache_.store(l, qkv_.data() + D, qkv_.data() + 2 * D, n, QKV, start_pos);
    causal_attention(qkv_.data(), QKV, n, start_pos, cache_.layer(l), shape, att_.data());
    layer.attention_out.run(att_.data(), n, tmp_.data());
    add_in_place(x_.data(), tmp_.data(), n * D);

    layer_norm(x_.data(), nullptr, n, D, layer.ln2_weight.data(), layer.ln2_bias.data(),
               c.layer_norm_eps, h_.data());
    layer.up.run(h_.data(), n, up_.data());
    gelu(up_.data(), n * F, act_.data());
    layer.down.run(act_.data(), n, tmp_.data());
    add_in_place(x_.data(), tmp_.data(), n * D);
  }
  cached_ = start_pos + n;
  // Only the last token's logits are needed to continue generation.
  layer_norm(x_.data() + (n - 1) * D, nullptr, 1, D, final_norm_weight_.data(),
             final_norm_bias_.data(), c.layer_norm_eps, h_.data());
  std::vector<float> logits((size_t)c.vocab_size);
  lm_head_->run(h_.data(), 1, logits.data());
  return logits;
}

size_t Gpt2Model::weight_bytes() const {
  size_t bytes = (token_embedding_.size() + position_embedding_.size() +
                  final_norm_weight_.size() + final_norm_bias_.size()) *
                 sizeof(float);
  for (const Layer& l : layers_) {
    bytes += (l.ln1_weight.size() + l.ln1_bias.size() + l.ln2_weight.size() + l.ln2_bias.size()) *
             sizeof(float);
    bytes += l.qkv.weight_bytes() + l.attention_out.weight_bytes() + l.up.weight_bytes() +
             l.down.weight_bytes();
  }
  // A tied head shares the embedding rows but is packed separately.
  return bytes + lm_head_->weight_bytes();
}

}  // namespace pf
