// Two decoders run over the same token ids, compared position by position:
// what both the `convert` accuracy report (source vs GGUF) and the `prune`
// report (unpruned vs pruned) measure. Every sample runs one token per
// forward, so the speed is decode speed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "models/decoder_model.h"

namespace pf {

// The reports that show a comparison (convert/accuracy_report.h,
// convert/prune_report.h) derive from this, so its fields, JSON keys and
// table rows are written once.
struct DecoderComparison {
  size_t samples = 0;
  size_t positions = 0;                    // logit vectors compared
  double cosine_mean = 0, cosine_min = 0;  // logit cosine similarity
  double max_abs_diff = 0;                 // largest |logit difference|
  double argmax_agreement = 0;             // fraction of positions with the same top token
  double perplexity_before = 0, perplexity_after = 0;  // over the samples' own next tokens
  double tokens_per_s_before = 0, tokens_per_s_after = 0;

  // The reports' JSON keys and values: logit_cosine_mean, logit_cosine_min,
  // logit_max_abs_diff, argmax_agreement, perplexity_before / _after,
  // tokens_per_s_before / _after.
  std::vector<std::pair<std::string, double>> logit_fields() const;
  // The table rows: perplexity, decode speed, logit cosine, max |diff|,
  // argmax agreement; `row(name, before, after)` each.
  void logit_rows(const std::function<void(const std::string&, const std::string&,
                                           const std::string&)>& row) const;
};

// Each text encoded by `encode`, cut to `max_tokens`; texts of fewer than
// 2 tokens are left out (they predict nothing).
std::vector<std::vector<int32_t>> sample_token_ids(
    const std::vector<std::string>& texts,
    const std::function<std::vector<int32_t>(const std::string&)>& encode, size_t max_tokens);

// Four seeded pseudo-random id sequences of min(max_tokens, 32) tokens:
// without a tokenizer they still compare two models position by position
// (perplexity is then of noise, comparable only before vs after).
std::vector<std::vector<int32_t>> random_token_ids(int64_t vocab_size, size_t max_tokens);

// Both models' caches must hold the longest input. kInvalidArgument when
// `inputs` is empty.
DecoderComparison compare_decoders(DecoderModel& before, DecoderModel& after,
                                   const std::vector<std::vector<int32_t>>& inputs);

}  // namespace pf
