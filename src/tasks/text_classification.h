// text-classification: text -> encoder -> sequence classification head ->
// scores per label (transformers' TextClassificationPipeline).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"

namespace pf {

// kDefault: the model's own choice (sigmoid for problem_type
// multi_label_classification or a single label, softmax otherwise).
enum class ScoreFunction { kDefault, kSoftmax, kSigmoid, kNone };
// "" | "default" | "softmax" | "sigmoid" | "none"
ScoreFunction parse_score_function(const std::string& name);

struct LabelScore {
  int32_t id = 0;
  std::string label;
  float score = 0;
};

class TextClassifier {
 public:
  // `weights`: model.safetensors, or the shards its index lists.
  static std::unique_ptr<TextClassifier> load(const std::string& config_json,
                                  const std::vector<WeightShard>& weights,
                                  const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32);
  static std::unique_ptr<TextClassifier> load(const std::string& config_json, const uint8_t* safetensors,
                                  size_t safetensors_size, const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32) {
    return load(config_json, {WeightShard{"model.safetensors", safetensors, safetensors_size}},
                tokenizer_files, format);
  }

  // Raw logits, [texts.size(), num_labels], one padded batch.
  std::vector<float> logits(const std::vector<std::string>& texts) const;
  // Per text, the top_k labels by score (0 = all), best first.
  std::vector<std::vector<LabelScore>> run(const std::vector<std::string>& texts, size_t top_k,
                                           ScoreFunction function = ScoreFunction::kDefault) const;

  // Scores -> ranked labels (the post-processing alone, for any logits row).
  std::vector<LabelScore> rank(const float* logits, size_t top_k, ScoreFunction function) const;

  const std::vector<std::string>& labels() const { return labels_; }
  ScoreFunction default_function() const { return default_function_; }
  const EncoderModel& model() const { return *parts_.model; }
  const EncoderTokenizer& tokenizer() const { return parts_.tokenizer; }

 private:
  TextClassifier(EncoderParts parts, std::unique_ptr<SequenceClassificationHead> head)
      : parts_(std::move(parts)), head_(std::move(head)) {}

  EncoderParts parts_;
  std::unique_ptr<SequenceClassificationHead> head_;
  std::vector<std::string> labels_;
  ScoreFunction default_function_ = ScoreFunction::kSoftmax;
};

}  // namespace pf
