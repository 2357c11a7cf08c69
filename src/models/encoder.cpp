#include "models/encoder.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "kernels/attention.h"
#include "kernels/norms.h"
#include "models/encoder_activation.h"
#include "models/encoder_layer_size.h"
#include "models/encoder_names.h"
#include "models/weight_loader.h"

namespace pf {

namespace {

std::vector<float> concat(std::vector<float> a, const std::vector<float>& b,
                          const std::vector<float>& c) {
  a.insert(a.end(), b.begin(), b.end());
  a.insert(a.end(), c.begin(), c.end());
  return a;
}

}  // namespace

std::unique_ptr<EncoderModel> EncoderModel::load(const EncoderConfig& config,
                                           const SafetensorsFile& file, WeightFormat format) {
  const EncoderNames& names = encoder_names(config.model_type);
  WeightLoader w(file, encoder_tensor_prefix(file, names, config.model_type));
  const int64_t H = config.hidden_size;

  auto model = std::unique_ptr<EncoderModel>(new EncoderModel());
  model->config_ = config;
  model->embeddings_ = EncoderEmbeddings::load(config, names, w, format);

  model->layers_.reserve((size_t)config.stored_layers());
  for (int64_t i = 0; i < config.stored_layers(); ++i) {
    const EncoderLayerNames n =
        names.layer((int)(i / config.inner_group_num), (int)(i % config.inner_group_num));
    // Pruned layers keep fewer heads (A = heads * head_dim) and neurons (I).
    const EncoderLayerSize size = encoder_layer_size(config, w, n, i);
    const int64_t A = size.heads * config.head_dim(), I = size.ffn_width;
    // Q, K and V share their input, so one [3A, H] GEMM replaces three.
    const std::vector<float> qkv_w = concat(w.get(n.query_weight, {A, H}),
                                            w.get(n.key_weight, {A, H}),
                                            w.get(n.value_weight, {A, H}));
    const std::vector<float> qkv_b = concat(w.get(n.query_bias, {A}), w.get(n.key_bias, {A}),
                                            w.get(n.value_bias, {A}));
    const auto ao_w = w.get(n.attention_out_weight, {H, A});
    const auto ao_b = w.get(n.attention_out_bias, {H});
    const auto in_w = w.get(n.ffn_in_weight, {I, H});
    const auto in_b = w.get(n.ffn_in_bias, {I});
    const auto out_w = w.get(n.ffn_out_weight, {H, I});
    const auto out_b = w.get(n.ffn_out_bias, {H});
    model->layers_.push_back(Layer{
        (size_t)size.heads,
        Linear((size_t)H, (size_t)(3 * A), qkv_w.data(), qkv_b.data(), format),
        Linear((size_t)A, (size_t)H, ao_w.data(), ao_b.data(), format),
        w.get(n.attention_norm_weight, {H}),
        w.get(n.attention_norm_bias, {H}),
        Linear((size_t)H, (size_t)I, in_w.data(), in_b.data(), format),
        Linear((size_t)I, (size_t)H, out_w.data(), out_b.data(), format),
        w.get(n.output_norm_weight, {H}),
        w.get(n.output_norm_bias, {H}),
    });
  }
  for (int64_t step = 0; step < config.executed_layers(); ++step) {
    model->steps_.push_back((size_t)config.stored_layer_of(step));
  }
  if (!names.pooler_weight.empty() && w.has(names.pooler_weight)) {
    const auto pw = w.get(names.pooler_weight, {H, H});
    const auto pb = w.get(names.pooler_bias, {H});
    model->pooler_ = std::make_unique<Linear>((size_t)H, (size_t)H, pw.data(), pb.data(), format);
  }
  return model;
}

std::vector<float> EncoderModel::forward(const EncoderBatch& in, EncoderProbe* probe) const {
  const size_t H = (size_t)config_.hidden_size, hd = (size_t)config_.head_dim();
  const size_t rows = in.batch * in.seq;
  if (in.input_ids.size() != rows || in.token_type_ids.size() != rows ||
      in.attention_mask.size() != rows) {
    fail(ErrorCode::kInvalidArgument, "encoder batch arrays do not match batch x seq");
  }
  if (in.seq > (size_t)config_.max_length()) {
    fail(ErrorCode::kInvalidArgument,
         "sequence of " + std::to_string(in.seq) + " tokens exceeds the model's " +
             std::to_string(config_.max_length()) + " positions (max_position_embeddings " +
             std::to_string(config_.max_position_embeddings) + ")");
  }

  std::vector<float> hidden = embeddings_.forward(config_, in);
  const float eps = (float)config_.layer_norm_eps;

  // Buffers fit the widest layer; pruned layers use a prefix of each.
  size_t A = 0, I = 0;
  for (const Layer& layer : layers_) {
    A = std::max(A, layer.heads * hd);
    I = std::max(I, layer.intermediate.out_features());
  }
  std::vector<float> qkv(rows * 3 * A), context(rows * A), projected(rows * H),
      intermediate(rows * I), scratch;
  for (size_t l = 0; l < steps_.size(); ++l) {
    const Layer& layer = step_layer(l);
    const size_t width = layer.intermediate.out_features();
    layer.qkv.run(hidden.data(), rows, qkv.data());
    self_attention(qkv.data(), in.attention_mask.data(),
                   AttentionShape{in.batch, in.seq, layer.heads, hd}, context.data());
    if (probe) probe->attention_context(l, context.data(), rows, layer.heads, hd, in.attention_mask.data());
    layer.attention_out.run(context.data(), rows, projected.data());
    layer_norm(projected.data(), hidden.data(), rows, H, layer.attention_ln_gamma.data(),
               layer.attention_ln_beta.data(), eps, hidden.data());
    layer.intermediate.run(hidden.data(), rows, intermediate.data());
    apply_activation(config_.activation, intermediate.data(), rows * width, &scratch);
    if (probe) probe->ffn_activations(l, intermediate.data(), rows, width, in.attention_mask.data());
    layer.output.run(intermediate.data(), rows, projected.data());
    layer_norm(projected.data(), hidden.data(), rows, H, layer.output_ln_gamma.data(),
               layer.output_ln_beta.data(), eps, hidden.data());
  }
  return hidden;
}

std::vector<float> EncoderModel::pool_cls(const std::vector<float>& hidden, size_t batch,
                                       size_t seq) const {
  const size_t H = (size_t)config_.hidden_size;
  if (!pooler_) fail(ErrorCode::kInvalidArgument, "this checkpoint has no pooler weights");
  std::vector<float> cls(batch * H), pooled(batch * H);
  for (size_t b = 0; b < batch; ++b) {
    std::copy(&hidden[b * seq * H], &hidden[b * seq * H] + H, &cls[b * H]);
  }
  pooler_->run(cls.data(), batch, pooled.data());
  for (float& v : pooled) v = std::tanh(v);
  return pooled;
}

}  // namespace pf
