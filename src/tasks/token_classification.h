// token-classification (NER): text -> encoder -> per-token classifier ->
// entities with character spans, grouped as transformers'
// TokenClassificationPipeline does (aggregation_strategy none / simple /
// first / average / max).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"

namespace pf {

enum class Aggregation { kNone, kSimple, kFirst, kAverage, kMax };
Aggregation parse_aggregation(const std::string& name);

struct TokenEntity {
  // The label (kNone) or the entity group, i.e. the label without its
  // B-/I- prefix (every other strategy).
  std::string entity;
  float score = 0;
  int32_t index = -1;  // token position ([CLS] = 0); -1 for grouped entities
  std::string word;
  uint32_t start = 0, end = 0;  // byte offsets into the input text
};

// The post-processing alone: one text's tokens and logits [ids.size(),
// labels.size()] -> entities, dropping those whose label/group is in
// ignore_labels.
std::vector<TokenEntity> group_token_entities(const EncoderTokenizer& tokenizer,
                                              const std::string& text, const EncodedText& tokens,
                                              const float* logits,
                                              const std::vector<std::string>& labels,
                                              Aggregation aggregation,
                                              const std::vector<std::string>& ignore_labels);

class TokenClassifier {
 public:
  // `weights`: model.safetensors, or the shards its index lists.
  static std::unique_ptr<TokenClassifier> load(const std::string& config_json,
                                  const std::vector<WeightShard>& weights,
                                  const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32);
  static std::unique_ptr<TokenClassifier> load(const std::string& config_json, const uint8_t* safetensors,
                                  size_t safetensors_size, const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32) {
    return load(config_json, {WeightShard{"model.safetensors", safetensors, safetensors_size}},
                tokenizer_files, format);
  }

  EncodedText encode(const std::string& text) const;
  // Logits per text, [tokens, num_labels] each (padding dropped); one batch.
  std::vector<std::vector<float>> logits(const std::vector<EncodedText>& texts) const;
  std::vector<std::vector<TokenEntity>> run(const std::vector<std::string>& texts,
                                            Aggregation aggregation,
                                            const std::vector<std::string>& ignore_labels) const;

  const std::vector<std::string>& labels() const { return labels_; }
  const EncoderModel& model() const { return *parts_.model; }
  const EncoderTokenizer& tokenizer() const { return parts_.tokenizer; }

 private:
  TokenClassifier(EncoderParts parts, std::unique_ptr<TokenLinearHead> head)
      : parts_(std::move(parts)), head_(std::move(head)) {}

  EncoderParts parts_;
  std::unique_ptr<TokenLinearHead> head_;
  std::vector<std::string> labels_;
};

}  // namespace pf
