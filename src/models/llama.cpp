#include "models/llama.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "kernels/activations.h"
#include "kernels/causal_attention.h"
#include "kernels/rms_norm.h"

namespace pf {

namespace {

void append(std::vector<float>& dst, const std::vector<float>& src) {
  dst.insert(dst.end(), src.begin(), src.end());
}

void add_in_place(float* x, const float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] += y[i];
}

}  // namespace

LlamaModel::LlamaModel(const DecoderConfig& config, WeightFormat format)
    : config_(config),
      format_(format),
      rope_(rope_inv_freq((size_t)config.head_dim, config.rope_theta, config.rope_scaling), 0,
            (size_t)config.max_context, (float)config.rope_scaling.attention_factor),
      cache_((size_t)config.n_layers, (size_t)config.n_kv_heads, (size_t)config.head_dim,
             (size_t)config.max_context, config.kv_dtype) {}

const RopeTable& LlamaModel::rope_for(size_t start_pos, size_t n) {
  const RopeScaling& s = config_.rope_scaling;
  if (s.type != RopeScaling::Type::kDynamic) return rope_;
  const int64_t seq_len = (int64_t)(start_pos + n), trained = s.original_max_positions;
  if (seq_len > dynamic_seq_len_) dynamic_seq_len_ = seq_len;
  if (seq_len < trained && dynamic_seq_len_ > trained) dynamic_seq_len_ = trained;
  if (dynamic_seq_len_ <= trained) return rope_;  // unscaled frequencies
  dynamic_rope_.reset(new RopeTable(
      rope_inv_freq((size_t)config_.head_dim, config_.rope_theta, s, dynamic_seq_len_), start_pos,
      n));
  return *dynamic_rope_;
}

std::unique_ptr<LlamaModel> LlamaModel::load(const DecoderConfig& config,
                                             const DecoderWeightSource& w, WeightFormat format) {
  validate_decoder_config(config, "decoder config");
  const size_t D = (size_t)config.dim, Q = (size_t)config.q_dim(), KV = (size_t)config.kv_dim(),
               V = (size_t)config.vocab_size;
  auto model = std::unique_ptr<LlamaModel>(new LlamaModel(config, format));
  model->embedding_ = w.get(DecoderTensor::kTokenEmbedding, 0);
  model->layers_.reserve((size_t)config.n_layers);
  for (int i = 0; i < (int)config.n_layers; ++i) {
    // Q, K, V share their input (and gate, up theirs): one GEMM each.
    std::vector<float> qkv = w.get(DecoderTensor::kQuery, i);
    append(qkv, w.get(DecoderTensor::kKey, i));
    append(qkv, w.get(DecoderTensor::kValue, i));
    std::vector<float> qkv_bias;
    if (config.attention_bias) {
      qkv_bias = w.get(DecoderTensor::kQueryBias, i);
      append(qkv_bias, w.get(DecoderTensor::kKeyBias, i));
      append(qkv_bias, w.get(DecoderTensor::kValueBias, i));
    }
    const size_t F = (size_t)w.ffn_width(config, i);
    model->max_ffn_width_ = std::max(model->max_ffn_width_, F);
    std::vector<float> gate_up = w.get(DecoderTensor::kGate, i);
    append(gate_up, w.get(DecoderTensor::kUp, i));
    const std::vector<float> wo = w.get(DecoderTensor::kAttentionOut, i);
    const std::vector<float> down = w.get(DecoderTensor::kDown, i);
    model->layers_.push_back(Layer{
        w.get(DecoderTensor::kAttentionNorm, i),
        Linear(D, Q + 2 * KV, qkv.data(), qkv_bias.empty() ? nullptr : qkv_bias.data(), format),
        Linear(Q, D, wo.data(), nullptr, format),
        w.get(DecoderTensor::kFfnNorm, i),
        Linear(D, 2 * F, gate_up.data(), nullptr, format),
        Linear(F, D, down.data(), nullptr, format),
        F,
    });
  }
  model->final_norm_ = w.get(DecoderTensor::kFinalNorm, 0);
  if (config.tied_embeddings) {
    model->lm_head_.reset(new Linear(D, V, model->embedding_.data(), nullptr, format));
  } else {
    const std::vector<float> head = w.get(DecoderTensor::kLmHead, 0);
    model->lm_head_.reset(new Linear(D, V, head.data(), nullptr, format));
  }
  return model;
}

std::vector<float> LlamaModel::forward(const int32_t* tokens, size_t n, size_t start_pos) {
  const DecoderConfig& c = config_;
  check_decoder_forward(c, tokens, n, start_pos, cached_);
  const size_t D = (size_t)c.dim, Q = (size_t)c.q_dim(), KV = (size_t)c.kv_dim(),
               F_max = max_ffn_width_, QKV = Q + 2 * KV;
  // Positions from start_pos on are overwritten below; should anything throw
  // midway, only the untouched prefix stays valid.
  cached_ = start_pos;
  x_.resize(n * D);
  h_.resize(n * D);
  qkv_.resize(n * QKV);
  att_.resize(n * Q);
  tmp_.resize(n * D);
  gate_up_.resize(n * 2 * F_max);
  ffn_.resize(n * F_max);

  for (size_t i = 0; i < n; ++i) {
    std::copy_n(embedding_.data() + (size_t)tokens[i] * D, D, x_.data() + i * D);
  }
  const CausalAttentionShape shape{(size_t)c.n_heads, (size_t)c.n_kv_heads, (size_t)c.head_dim,
                                   cache_.max_positions()};
  const RopeTable& rope = rope_for(start_pos, n);
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    rms_norm(x_.data(), n, D, layer.attention_norm.data(), c.rms_eps, h_.data());
    layer.qkv.run(h_.data(), n, qkv_.data());
    rope.apply(qkv_.data(), n, QKV, (size_t)c.n_heads, start_pos, c.rope_layout);
    rope.apply(qkv_.data() + Q, n, QKV, (size_t)c.n_kv_heads, start_pos, c.rope_layout);
    cache_.store(l, qkv_.data() + Q, qkv_.data() + Q + KV, n, QKV, start_pos);
    causal_attention(qkv_.data(), QKV, n, start_pos, cache_.layer(l), shape, att_.data());
    layer.attention_out.run(att_.data(), n, tmp_.data());
    add_in_place(x_.data(), tmp_.data(), n * D);

    rms_norm(x_.data(), n, D, layer.ffn_norm.data(), c.rms_eps, h_.data());
    layer.gate_up.run(h_.data(), n, gate_up_.data());
    swiglu(gate_up_.data(), n, layer.ffn_width, ffn_.data());
    if (ffn_probe_) ffn_probe_->ffn_activations(l, ffn_.data(), n, layer.ffn_width);
    layer.down.run(ffn_.data(), n, tmp_.data());
    add_in_place(x_.data(), tmp_.data(), n * D);
  }
  cached_ = start_pos + n;
  // Only the last token's logits are needed to continue generation.
  rms_norm(x_.data() + (n - 1) * D, 1, D, final_norm_.data(), c.rms_eps, h_.data());
  std::vector<float> logits((size_t)c.vocab_size);
  lm_head_->run(h_.data(), 1, logits.data());
  return logits;
}

size_t LlamaModel::weight_bytes() const {
  size_t bytes = (embedding_.size() + final_norm_.size()) * sizeof(float);
  for (const Layer& l : layers_) {
    bytes += (l.attention_norm.size() + l.ffn_norm.size()) * sizeof(float);
    bytes += l.qkv.weight_bytes() + l.attention_out.weight_bytes() + l.gate_up.weight_bytes() +
             l.down.weight_bytes();
  }
  return bytes + lm_head_->weight_bytes();
}

}  // namespace pf
