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
#include "convert/decoder_comparison.h"

namespace pf {

// The DecoderComparison fields: for encoders cosine_mean / cosine_min /
// max_abs_diff are of the last hidden states and argmax_agreement is the
// head's; samples and positions count texts and compared vectors.
struct AccuracyReport : DecoderComparison {
  // "decoder": logits per position. "encoder": last hidden states per token
  // (cosine, max |diff|) and the head's argmax agreement over head_rows
  // (label per text, per token label / MLM token, QA start and end).
  std::string kind = "decoder";
  std::string head;  // encoders: the task head kind, "" for none
  size_t head_rows = 0;
  std::string dtype;           // the GGUF storage dtype
  std::string runtime_format;  // the Linear format the converted model ran in
  std::string sample_source;   // "built-in sentences", "samples file", "random token ids"
  size_t bytes_before = 0, bytes_after = 0;            // weight file sizes
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
