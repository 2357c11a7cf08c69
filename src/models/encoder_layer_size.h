// How many attention heads and FFN neurons one encoder layer has. Structured
// pruning (HF prune_heads, FFN row/column removal) makes these differ per
// layer, so they are read from the weight shapes: heads = query rows /
// head_dim (head_dim stays hidden_size / num_attention_heads), FFN width =
// intermediate rows; config.json's pruned_heads must agree.
#pragma once

#include <cstdint>

#include "formats/model_config.h"
#include "models/encoder_names.h"
#include "models/weight_loader.h"

namespace pf {

struct EncoderLayerSize {
  int64_t heads = 0;      // attention heads kept
  int64_t ffn_width = 0;  // intermediate neurons kept
};

// Throws pf::Error kCorruptModel naming the tensor when a shape is not a
// valid pruning of the config's layer (rows not whole heads, more heads or
// neurons than the config, pruned_heads disagreeing), kUnsupported when a
// layer has no heads or no FFN neurons left.
EncoderLayerSize encoder_layer_size(const EncoderConfig& config, const WeightLoader& weights,
                                    const EncoderLayerNames& names, int64_t layer);

}  // namespace pf
