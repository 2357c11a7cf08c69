#include "convert/decoder_prune_importance.h"

#include <cmath>

#include "core/error.h"

namespace pf {

namespace {

// L2 norm of each row of a [rows, cols] matrix.
std::vector<double> row_norms(const std::vector<float>& m, size_t rows, size_t cols) {
  std::vector<double> n(rows, 0.0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) n[r] += (double)m[r * cols + c] * m[r * cols + c];
    n[r] = std::sqrt(n[r]);
  }
  return n;
}

// L2 norm of each column of a [rows, cols] matrix.
std::vector<double> column_norms(const std::vector<float>& m, size_t rows, size_t cols) {
  std::vector<double> n(cols, 0.0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) n[c] += (double)m[r * cols + c] * m[r * cols + c];
  }
  for (double& v : n) v = std::sqrt(v);
  return n;
}

// Sums |activation| per neuron and counts the tokens, per layer.
class FfnActivationTotals : public LlamaFfnProbe {
 public:
  explicit FfnActivationTotals(const LlamaModel& model)
      : sums_((size_t)model.config().n_layers), tokens_((size_t)model.config().n_layers, 0) {
    for (size_t l = 0; l < sums_.size(); ++l) sums_[l].assign(model.layer_ffn_width(l), 0.0);
  }

  void ffn_activations(size_t layer, const float* act, size_t rows, size_t width) override {
    tokens_[layer] += rows;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t j = 0; j < width; ++j) sums_[layer][j] += std::fabs((double)act[r * width + j]);
    }
  }

  size_t tokens() const { return tokens_.empty() ? 0 : tokens_[0]; }

  std::vector<std::vector<double>> means() const {
    std::vector<std::vector<double>> out = sums_;
    for (size_t l = 0; l < out.size(); ++l) {
      for (double& s : out[l]) s /= (double)tokens_[l];
    }
    return out;
  }

 private:
  std::vector<std::vector<double>> sums_;
  std::vector<size_t> tokens_;
};

// Detaches the probe however the forwards end.
struct ProbeAttachment {
  ProbeAttachment(LlamaModel& m, LlamaFfnProbe* p) : model(m) { model.set_ffn_probe(p); }
  ~ProbeAttachment() { model.set_ffn_probe(nullptr); }
  LlamaModel& model;
};

}  // namespace

std::vector<std::vector<double>> decoder_magnitude_importance(const DecoderConfig& config,
                                                              const DecoderWeightSource& weights) {
  const size_t D = (size_t)config.dim;
  std::vector<std::vector<double>> out;
  for (int l = 0; l < (int)config.n_layers; ++l) {
    const size_t F = (size_t)weights.ffn_width(config, l);
    const std::vector<double> gate = row_norms(weights.get(DecoderTensor::kGate, l), F, D);
    const std::vector<double> up = row_norms(weights.get(DecoderTensor::kUp, l), F, D);
    const std::vector<double> down = column_norms(weights.get(DecoderTensor::kDown, l), D, F);
    std::vector<double> score(F);
    for (size_t j = 0; j < F; ++j) score[j] = gate[j] * up[j] * down[j];
    out.push_back(std::move(score));
  }
  return out;
}

std::vector<std::vector<double>> decoder_activation_importance(
    LlamaModel& model, const std::vector<std::vector<int32_t>>& inputs) {
  FfnActivationTotals totals(model);
  {
    const ProbeAttachment attached(model, &totals);
    for (const std::vector<int32_t>& ids : inputs) {
      if (ids.empty()) continue;
      model.reset();
      model.forward(ids.data(), ids.size(), 0);
    }
  }
  model.reset();
  if (totals.tokens() == 0) {
    fail(ErrorCode::kInvalidArgument, "activation-based pruning needs sample text with tokens");
  }
  return totals.means();
}

}  // namespace pf
