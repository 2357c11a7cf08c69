// Applies a pruning plan to an encoder checkpoint the way Hugging Face's
// prune_heads does: the kept heads' query/key/value rows (weights and
// biases) and attention-output columns, the kept neurons' intermediate rows
// and output columns. Stored values are copied, so every tensor keeps its
// dtype and the unpruned parts stay bit-identical. config.json gains the
// removed heads in pruned_heads (original indices, merged with earlier
// prunings) and a "pocketformer_pruning" note with the per-layer sizes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/prune_plan.h"
#include "formats/model_config.h"
#include "formats/safetensors.h"

namespace pf {

struct PrunedCheckpoint {
  std::string config_json;
  std::vector<uint8_t> safetensors;
};

// `method` ("magnitude" / "activation") and the fractions go into the note.
PrunedCheckpoint write_pruned_checkpoint(const std::string& config_json,
                                         const EncoderConfig& config, const SafetensorsFile& file,
                                         const std::vector<LayerKeep>& keep,
                                         const std::string& method, double heads_fraction,
                                         double ffn_fraction);

}  // namespace pf
