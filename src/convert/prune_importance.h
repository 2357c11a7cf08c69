// How much each attention head and FFN neuron of an encoder matters, the
// ranking structured pruning removes the least important from. Indices are
// the layer's current heads / neurons (a pruned layer's are fewer).
#pragma once

#include <vector>

#include "formats/model_config.h"
#include "formats/safetensors.h"
#include "models/encoder.h"

namespace pf {

struct LayerImportance {
  std::vector<double> heads;    // one per kept head
  std::vector<double> neurons;  // one per kept FFN neuron
};

// By weight magnitude (no data needed): a head's score is the L2 norm of its
// query/key/value weight rows and attention-output weight columns, a
// neuron's the L2 norm of its intermediate weight row and output weight
// column (biases left out: they do not scale with the input).
std::vector<LayerImportance> magnitude_importance(const EncoderConfig& config,
                                                  const SafetensorsFile& file);

// By activations on real text: a head's score is the mean L2 norm of its
// attention output (before the output projection) per token, a neuron's its
// mean |GELU output| per token, over the unpadded tokens of `batches`.
std::vector<LayerImportance> activation_importance(const EncoderModel& model,
                                                   const std::vector<EncoderBatch>& batches);

}  // namespace pf
