#include "convert/prune_importance.h"

#include <cmath>

#include "core/error.h"
#include "models/encoder_layer_size.h"
#include "models/encoder_names.h"
#include "models/weight_loader.h"

namespace pf {

std::vector<LayerImportance> magnitude_importance(const EncoderConfig& config,
                                                  const SafetensorsFile& file) {
  const EncoderNames& names = encoder_names(config.model_type);
  const WeightLoader w(file, encoder_tensor_prefix(file, names, config.model_type));
  const int64_t H = config.hidden_size, hd = config.head_dim();
  std::vector<LayerImportance> out((size_t)config.num_hidden_layers);
  for (int64_t l = 0; l < config.num_hidden_layers; ++l) {
    const EncoderLayerNames n = names.layer((int)l, 0);
    const EncoderLayerSize size = encoder_layer_size(config, w, n, l);
    const int64_t A = size.heads * hd, I = size.ffn_width;
    LayerImportance& imp = out[(size_t)l];

    imp.heads.assign((size_t)size.heads, 0.0);
    for (const std::string* name : {&n.query_weight, &n.key_weight, &n.value_weight}) {
      const std::vector<float> m = w.get(*name, {A, H});  // head h owns rows [h*hd, (h+1)*hd)
      for (int64_t r = 0; r < A; ++r) {
        for (int64_t c = 0; c < H; ++c) imp.heads[(size_t)(r / hd)] += (double)m[r * H + c] * m[r * H + c];
      }
    }
    const std::vector<float> o = w.get(n.attention_out_weight, {H, A});  // head h: columns
    for (int64_t r = 0; r < H; ++r) {
      for (int64_t c = 0; c < A; ++c) imp.heads[(size_t)(c / hd)] += (double)o[r * A + c] * o[r * A + c];
    }

    imp.neurons.assign((size_t)I, 0.0);
    const std::vector<float> in = w.get(n.ffn_in_weight, {I, H});  // neuron j: row j
    for (int64_t j = 0; j < I; ++j) {
      for (int64_t c = 0; c < H; ++c) imp.neurons[(size_t)j] += (double)in[j * H + c] * in[j * H + c];
    }
    const std::vector<float> out_w = w.get(n.ffn_out_weight, {H, I});  // neuron j: column j
    for (int64_t r = 0; r < H; ++r) {
      for (int64_t j = 0; j < I; ++j) imp.neurons[(size_t)j] += (double)out_w[r * I + j] * out_w[r * I + j];
    }
    for (double& s : imp.heads) s = std::sqrt(s);
    for (double& s : imp.neurons) s = std::sqrt(s);
  }
  return out;
}

namespace {

// Sums per-token statistics over unpadded tokens; divides at the end.
class ActivationTotals : public EncoderProbe {
 public:
  explicit ActivationTotals(const EncoderModel& model) : layers_(model.config().num_hidden_layers) {
    for (size_t l = 0; l < layers_.size(); ++l) {
      layers_[l].heads.assign(model.layer_heads(l), 0.0);
      layers_[l].neurons.assign(model.layer_ffn_width(l), 0.0);
    }
    tokens_.assign(layers_.size(), 0);
  }

  void attention_context(size_t layer, const float* context, size_t rows, size_t heads,
                         size_t head_dim, const uint8_t* mask) override {
    for (size_t r = 0; r < rows; ++r) {
      if (!mask[r]) continue;
      tokens_[layer]++;
      for (size_t h = 0; h < heads; ++h) {
        const float* v = context + r * heads * head_dim + h * head_dim;
        double sq = 0;
        for (size_t d = 0; d < head_dim; ++d) sq += (double)v[d] * v[d];
        layers_[layer].heads[h] += std::sqrt(sq);
      }
    }
  }

  void ffn_activations(size_t layer, const float* act, size_t rows, size_t width,
                       const uint8_t* mask) override {
    for (size_t r = 0; r < rows; ++r) {
      if (!mask[r]) continue;
      for (size_t j = 0; j < width; ++j) layers_[layer].neurons[j] += std::fabs((double)act[r * width + j]);
    }
  }

  std::vector<LayerImportance> means() const {
    std::vector<LayerImportance> out = layers_;
    for (size_t l = 0; l < out.size(); ++l) {
      const double n = (double)tokens_[l];
      for (double& s : out[l].heads) s /= n;
      for (double& s : out[l].neurons) s /= n;
    }
    return out;
  }

  size_t tokens() const { return tokens_.empty() ? 0 : tokens_[0]; }

 private:
  std::vector<LayerImportance> layers_;
  std::vector<size_t> tokens_;
};

}  // namespace

std::vector<LayerImportance> activation_importance(const EncoderModel& model,
                                                   const std::vector<EncoderBatch>& batches) {
  ActivationTotals totals(model);
  for (const EncoderBatch& b : batches) model.forward(b, &totals);
  if (totals.tokens() == 0) {
    fail(ErrorCode::kInvalidArgument, "activation-based pruning needs sample text with tokens");
  }
  return totals.means();
}

}  // namespace pf
