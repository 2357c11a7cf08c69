// zero-shot-classification with an NLI (sequence-pair) classifier, as
// transformers' ZeroShotClassificationPipeline: each candidate label becomes
// a hypothesis ("This example is {}."), the model scores (text, hypothesis)
// pairs, and the entailment logits rank the labels:
//  - single label: softmax of the entailment logits over the candidates;
//  - multi_label (or one candidate): per label, softmax over
//    (contradiction, entailment) and the entailment probability.
// The entailment label is the first id2label name starting with "entail"
// (the last label when none does); contradiction is label 0, or the last
// label when entailment is 0.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"

namespace pf {

struct ZeroShotResult {
  std::vector<std::string> labels;  // best first
  std::vector<float> scores;
};

// The ranking alone, from logits [candidates, num_labels].
ZeroShotResult rank_zero_shot(const std::vector<float>& logits, size_t num_labels,
                              const std::vector<std::string>& candidates, size_t entailment_id,
                              bool multi_label);

class ZeroShotClassifier {
 public:
  // `weights`: model.safetensors, or the shards its index lists.
  static std::unique_ptr<ZeroShotClassifier> load(const std::string& config_json,
                                  const std::vector<WeightShard>& weights,
                                  const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32);
  static std::unique_ptr<ZeroShotClassifier> load(const std::string& config_json, const uint8_t* safetensors,
                                  size_t safetensors_size, const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32) {
    return load(config_json, {WeightShard{"model.safetensors", safetensors, safetensors_size}},
                tokenizer_files, format);
  }

  // "{}" in the template is replaced by each label.
  std::vector<std::string> hypotheses(const std::vector<std::string>& candidates,
                                      const std::string& hypothesis_template) const;
  // [CLS] text [SEP] hypothesis [SEP] per hypothesis (the text truncated to
  // fit), one padded batch -> logits [hypotheses, num_labels].
  std::vector<float> pair_logits(const std::string& text,
                                 const std::vector<std::string>& hypotheses) const;
  ZeroShotResult run(const std::string& text, const std::vector<std::string>& candidates,
                     const std::string& hypothesis_template, bool multi_label) const;

  size_t entailment_id() const { return entailment_id_; }
  const std::vector<std::string>& labels() const { return labels_; }

 private:
  ZeroShotClassifier(EncoderParts parts, std::unique_ptr<SequenceClassificationHead> head)
      : parts_(std::move(parts)), head_(std::move(head)) {}

  EncoderParts parts_;
  std::unique_ptr<SequenceClassificationHead> head_;
  std::vector<std::string> labels_;
  size_t entailment_id_ = 0;
};

}  // namespace pf
