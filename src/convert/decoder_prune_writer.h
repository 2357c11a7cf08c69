// Applies an FFN pruning plan to a Llama-family HF checkpoint: each layer
// keeps the planned neurons' mlp.gate_proj / up_proj rows and down_proj
// columns (and gate/up bias elements when there are any). Stored values
// are copied, so every tensor keeps its dtype and everything else stays
// bit-identical. config.json keeps intermediate_size (the unpruned width,
// the runtime's upper bound) and gains a "pocketformer_pruning" note with
// the per-layer widths, as the encoder writer (convert/prune_writer.h) does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/prune_writer.h"
#include "formats/decoder_config.h"
#include "formats/safetensors.h"

namespace pf {

// kept_neurons: per layer, ascending indices into the layer's current
// neurons (convert/prune_plan.h). kInvalidArgument when the plan does not
// fit the checkpoint. `method` and the fraction go into the note.
PrunedCheckpoint write_pruned_decoder(const std::string& config_json, const DecoderConfig& config,
                                      const SafetensorsFile& file,
                                      const std::vector<std::vector<int64_t>>& kept_neurons,
                                      const std::string& method, double ffn_fraction);

}  // namespace pf
