#include "convert/prune_plan.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.h"

namespace pf {

namespace {

std::vector<int64_t> keep_most_important(const std::vector<double>& scores, double fraction,
                                         size_t layer, const char* what) {
  const size_t remove = prune_count(fraction, scores.size());
  if (remove >= scores.size()) {
    fail(ErrorCode::kInvalidArgument,
         "pruning " + std::to_string(fraction) + " of " + what + " removes all " +
             std::to_string(scores.size()) + " of layer " + std::to_string(layer) +
             "; use a smaller fraction");
  }
  std::vector<int64_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return scores[(size_t)a] < scores[(size_t)b]; });
  std::vector<int64_t> kept(order.begin() + (std::ptrdiff_t)remove, order.end());
  std::sort(kept.begin(), kept.end());
  return kept;
}

void check_fraction(double f, const char* what) {
  if (!(f >= 0.0 && f < 1.0)) {
    fail(ErrorCode::kInvalidArgument,
         std::string(what) + " fraction " + std::to_string(f) + " is outside [0, 1)");
  }
}

}  // namespace

size_t prune_count(double fraction, size_t count) {
  return (size_t)std::floor(fraction * (double)count + 0.5);
}

std::vector<LayerKeep> choose_kept(const std::vector<LayerImportance>& importance,
                                   double heads_fraction, double ffn_fraction) {
  check_fraction(heads_fraction, "heads");
  check_fraction(ffn_fraction, "FFN");
  std::vector<LayerKeep> keep(importance.size());
  for (size_t l = 0; l < importance.size(); ++l) {
    keep[l].heads = keep_most_important(importance[l].heads, heads_fraction, l, "the attention heads");
    keep[l].neurons = keep_most_important(importance[l].neurons, ffn_fraction, l, "the FFN neurons");
  }
  return keep;
}

std::vector<std::vector<int64_t>> choose_kept_neurons(
    const std::vector<std::vector<double>>& neuron_scores, double ffn_fraction) {
  check_fraction(ffn_fraction, "FFN");
  std::vector<std::vector<int64_t>> keep;
  for (size_t l = 0; l < neuron_scores.size(); ++l) {
    keep.push_back(keep_most_important(neuron_scores[l], ffn_fraction, l, "the FFN neurons"));
  }
  return keep;
}

}  // namespace pf
