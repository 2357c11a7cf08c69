// feature-extraction: text -> tokens -> encoder -> pooled sentence vectors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/encoder.h"
#include "tasks/encoder_task.h"
#include "tokenizers/wordpiece.h"

namespace pf {

enum class Pooling { kNone, kMean, kCls, kMax };

Pooling parse_pooling(const std::string& name);
// "f32" | "int8" | "q4" (4-bit), the names the JS `dtype` option uses.
WeightFormat parse_dtype_option(const std::string& name);

struct FeatureOutput {
  std::vector<float> data;
  std::vector<size_t> dims;  // [batch, hidden] pooled, [batch, seq, hidden] for kNone
};

// Mask-weighted mean over the sequence, per batch row: [batch, hidden].
std::vector<float> mean_pool(const std::vector<float>& hidden, const std::vector<uint8_t>& mask,
                             size_t batch, size_t seq, size_t dim);
// Per batch row, the largest value of each dimension over the real tokens
// (sentence-transformers' max pooling: padding counts as -1e9): [batch, hidden].
std::vector<float> max_pool(const std::vector<float>& hidden, const std::vector<uint8_t>& mask,
                            size_t batch, size_t seq, size_t dim);
// Divides each row by its L2 norm (rows of zeros stay zero).
void l2_normalize_rows(std::vector<float>* data, size_t rows, size_t dim);

class FeatureExtractor {
 public:
  // Files as a Hugging Face repository has them.
  // `weights`: model.safetensors, or the shards its index lists.
  static std::unique_ptr<FeatureExtractor> load(const std::string& config_json,
                                  const std::vector<WeightShard>& weights,
                                  const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32);
  static std::unique_ptr<FeatureExtractor> load(const std::string& config_json, const uint8_t* safetensors,
                                  size_t safetensors_size, const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32) {
    return load(config_json, {WeightShard{"model.safetensors", safetensors, safetensors_size}},
                tokenizer_files, format);
  }

  // Tokenizes and pads `texts` into one batch (truncating each to
  // max_position_embeddings), then runs the encoder.
  EncoderBatch tokenize(const std::vector<std::string>& texts) const;
  FeatureOutput run(const std::vector<std::string>& texts, Pooling pooling, bool normalize) const;

  const EncoderModel& model() const { return *parts_.model; }
  const EncoderTokenizer& tokenizer() const { return parts_.tokenizer; }

 private:
  explicit FeatureExtractor(EncoderParts parts) : parts_(std::move(parts)) {}

  EncoderParts parts_;
};

}  // namespace pf
