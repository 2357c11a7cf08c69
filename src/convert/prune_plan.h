// Which heads and FFN neurons each layer keeps: per layer, the
// round(fraction * count) (halves up) least important go; ties remove the
// lower index first, so the choice is deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "convert/prune_importance.h"

namespace pf {

struct LayerKeep {
  std::vector<int64_t> heads;    // current head indices kept, ascending
  std::vector<int64_t> neurons;  // current FFN neuron indices kept, ascending
};

// floor(fraction * count + 0.5).
size_t prune_count(double fraction, size_t count);

// kInvalidArgument when a fraction is outside [0, 1) or would remove every
// head or neuron of a layer (naming the layer and what a layer has).
std::vector<LayerKeep> choose_kept(const std::vector<LayerImportance>& importance,
                                   double heads_fraction, double ffn_fraction);

// The same rule for FFN neurons alone (decoders, whose heads stay): per
// layer, the neuron indices kept, ascending.
std::vector<std::vector<int64_t>> choose_kept_neurons(
    const std::vector<std::vector<double>>& neuron_scores, double ffn_fraction);

}  // namespace pf
