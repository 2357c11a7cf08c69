// What structured pruning cost and gained, measured like the `convert`
// report (convert/accuracy_report.h): checkpoint size, parameters and
// measured encoder speed before/after, and how far the pruned model's
// outputs moved from the unpruned one's on sample texts (mean-pooled
// embedding cosine; argmax agreement when the checkpoint has a sequence
// classification head). JSON plus a readable table. Decoders (FFN pruning,
// convert/decoder_prune.h) report the `convert` logit comparison instead:
// logit cosine, next-token argmax agreement, perplexity, decode speed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "convert/decoder_comparison.h"

namespace pf {

// The DecoderComparison fields (samples, cosines, argmax agreement,
// tokens/s, and for decoders positions, max |diff|, perplexity) are, for
// encoders: the mean-pooled last_hidden_state cosine, the sequence
// classification argmax (when has_classifier), encoder forwards of one text
// per batch. For decoders: the logits at every position and decode speed.
struct PruneReport : DecoderComparison {
  std::string kind = "encoder";  // "encoder" | "decoder"
  std::string method;  // "magnitude" | "activation"
  double heads_fraction = 0, ffn_fraction = 0;
  std::string sample_source;  // "built-in sentences" | "samples file"
  size_t tokens = 0;
  std::vector<int64_t> heads_before, heads_after, ffn_before, ffn_after;  // per layer
  size_t bytes_before = 0, bytes_after = 0;    // model.safetensors sizes
  uint64_t params_before = 0, params_after = 0;  // elements over all tensors
  bool has_classifier = false;
  std::vector<std::string> notes;

  std::string to_json() const;
  std::string to_table() const;
};

// Fills the measured fields of `report`, loading both checkpoints in f32
// (classification head too when config.json's architectures names a
// *ForSequenceClassification model).
void measure_pruning(const std::string& config_before, const std::vector<uint8_t>& weights_before,
                     const std::string& config_after, const std::vector<uint8_t>& weights_after,
                     const std::string& vocab_txt, const std::vector<std::string>& texts,
                     PruneReport* report);

}  // namespace pf
