// How much a conversion changed the model, measured on held-out inputs:
// each sample runs token by token through the original (f32, straight from
// the source checkpoint) and the converted model (loaded back from the GGUF
// bytes in the runtime format it defaults to), comparing the logits at
// every position.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "convert/convert_source.h"

namespace pf {

struct AccuracyReport {
  // "decoder": logits per position. "encoder": last hidden states per token
  // (cosine, max |diff|) and the head's argmax agreement over head_rows
  // (label per text, per token label / MLM token, QA start and end).
  std::string kind = "decoder";
  std::string head;  // encoders: the task head kind, "" for none
  size_t head_rows = 0;
  std::string dtype;           // the GGUF storage dtype
  std::string runtime_format;  // the Linear format the converted model ran in
  std::string sample_source;   // "built-in sentences", "samples file", "random token ids"
  size_t samples = 0;
  size_t positions = 0;             // logit vectors compared
  double cosine_mean = 0, cosine_min = 0;  // logit cosine similarity
  double max_abs_diff = 0;                 // largest |logit difference|
  double argmax_agreement = 0;             // fraction of positions with the same top token
  double perplexity_before = 0, perplexity_after = 0;  // over the samples' own next tokens
  size_t bytes_before = 0, bytes_after = 0;            // weight file sizes
  double tokens_per_s_before = 0, tokens_per_s_after = 0;  // decode, one token per forward
  std::vector<std::string> notes;

  std::string to_json() const;
  // A readable table.
  std::string to_table() const;
};

// Four short English sentences, the default held-out text.
const std::vector<std::string>& builtin_samples();

// `samples` empty: builtin_samples(). Without a tokenizer the samples are
// replaced by seeded pseudo-random token ids (said in sample_source).
// Each sample is cut to `max_tokens` tokens.
AccuracyReport measure_accuracy(const ConvertSource& source, const std::vector<uint8_t>& gguf,
                                const std::string& dtype, std::vector<std::string> samples,
                                size_t max_tokens = 64);

}  // namespace pf
