#include "models/encoder.h"

#include <cmath>
#include <string>

#include "core/error.h"
#include "kernels/attention.h"
#include "kernels/norms.h"
#include "models/encoder_names.h"
#include "models/weight_loader.h"

namespace pf {

namespace {

std::string detect_prefix(const SafetensorsFile& file, const EncoderNames& names,
                          const std::string& model_type) {
  for (const std::string& prefix : names.prefixes) {
    if (file.find(prefix + names.word_embeddings)) return prefix;
  }
  fail(ErrorCode::kCorruptModel, file.file_name() + ": missing tensor '" +
                                     names.word_embeddings + "' (not a " + model_type +
                                     " checkpoint?)");
}

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
  WeightLoader w(file, detect_prefix(file, names, config.model_type));
  const int64_t H = config.hidden_size, I = config.intermediate_size;

  auto model = std::unique_ptr<EncoderModel>(new EncoderModel());
  model->config_ = config;
  model->embeddings_ = EncoderEmbeddings::load(config, names, w, format);

  model->layers_.reserve((size_t)config.num_hidden_layers);
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) {
    const EncoderLayerNames n = names.layer((int)i);
    // Q, K and V share their input, so one [3H, H] GEMM replaces three.
    const std::vector<float> qkv_w = concat(w.get(n.query_weight, {H, H}),
                                            w.get(n.key_weight, {H, H}),
                                            w.get(n.value_weight, {H, H}));
    const std::vector<float> qkv_b = concat(w.get(n.query_bias, {H}), w.get(n.key_bias, {H}),
                                            w.get(n.value_bias, {H}));
    const auto ao_w = w.get(n.attention_out_weight, {H, H});
    const auto ao_b = w.get(n.attention_out_bias, {H});
    const auto in_w = w.get(n.ffn_in_weight, {I, H});
    const auto in_b = w.get(n.ffn_in_bias, {I});
    const auto out_w = w.get(n.ffn_out_weight, {H, I});
    const auto out_b = w.get(n.ffn_out_bias, {H});
    model->layers_.push_back(Layer{
        Linear((size_t)H, (size_t)(3 * H), qkv_w.data(), qkv_b.data(), format),
        Linear((size_t)H, (size_t)H, ao_w.data(), ao_b.data(), format),
        w.get(n.attention_norm_weight, {H}),
        w.get(n.attention_norm_bias, {H}),
        Linear((size_t)H, (size_t)I, in_w.data(), in_b.data(), format),
        Linear((size_t)I, (size_t)H, out_w.data(), out_b.data(), format),
        w.get(n.output_norm_weight, {H}),
        w.get(n.output_norm_bias, {H}),
    });
  }
  if (!names.pooler_weight.empty() && w.has(names.pooler_weight)) {
    const auto pw = w.get(names.pooler_weight, {H, H});
    const auto pb = w.get(names.pooler_bias, {H});
    model->pooler_ = std::make_unique<Linear>((size_t)H, (size_t)H, pw.data(), pb.data(), format);
  }
  return model;
}

std::vector<float> EncoderModel::forward(const EncoderBatch& in) const {
  const size_t H = (size_t)config_.hidden_size, I = (size_t)config_.intermediate_size;
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

  std::vector<float> qkv(rows * 3 * H), context(rows * H), projected(rows * H),
      intermediate(rows * I);
  const AttentionShape shape{in.batch, in.seq, (size_t)config_.num_attention_heads,
                             (size_t)config_.head_dim()};
  for (const Layer& layer : layers_) {
    layer.qkv.run(hidden.data(), rows, qkv.data());
    self_attention(qkv.data(), in.attention_mask.data(), shape, context.data());
    layer.attention_out.run(context.data(), rows, projected.data());
    layer_norm(projected.data(), hidden.data(), rows, H, layer.attention_ln_gamma.data(),
               layer.attention_ln_beta.data(), eps, hidden.data());
    layer.intermediate.run(hidden.data(), rows, intermediate.data());
    gelu_erf(intermediate.data(), intermediate.size());
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
