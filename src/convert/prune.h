// `pocketformer prune`: structured pruning of a BERT / DistilBERT encoder in
// Hugging Face layout. Ranks heads and FFN neurons (convert/prune_importance.h:
// weight magnitude, or activations when sample texts are given), removes the
// least important fraction per layer (convert/prune_plan.h), writes an HF
// checkpoint the runtime loads (convert/prune_writer.h) and measures what it
// changed (convert/prune_report.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/prune_report.h"
#include "convert/prune_writer.h"

namespace pf {

struct PruneOptions {
  double heads_fraction = 0;  // of each layer's heads, in [0, 1)
  double ffn_fraction = 0;    // of each layer's FFN neurons, in [0, 1)
  // Non-empty: activation-based importance over these texts, which the
  // report then also measures on. Empty: weight magnitude, report on the
  // built-in sentences.
  std::vector<std::string> samples;
};

struct PruneResult {
  PrunedCheckpoint checkpoint;
  PruneReport report;
};

PruneResult prune_encoder(const std::string& config_json, const std::vector<uint8_t>& safetensors,
                          const std::string& vocab_txt, const PruneOptions& options);

}  // namespace pf
