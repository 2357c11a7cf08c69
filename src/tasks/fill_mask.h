// fill-mask: text with [MASK] -> encoder -> masked-LM head at the masked
// positions -> the most likely tokens, as transformers' FillMaskPipeline
// reports them (score, token id, token string, the filled-in sequence).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"

namespace pf {

struct MaskPrediction {
  float score = 0;
  int32_t token = 0;
  std::string token_str;
  std::string sequence;
};

struct MaskLogits {
  std::vector<int32_t> ids;             // [CLS] ... [SEP]
  std::vector<size_t> mask_positions;   // where the [MASK] tokens are
  std::vector<float> logits;            // [mask_positions.size(), vocab]
};

class FillMasker {
 public:
  // `weights`: model.safetensors, or the shards its index lists.
  static std::unique_ptr<FillMasker> load(const std::string& config_json,
                                  const std::vector<WeightShard>& weights,
                                  const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32);
  static std::unique_ptr<FillMasker> load(const std::string& config_json, const uint8_t* safetensors,
                                  size_t safetensors_size, const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32) {
    return load(config_json, {WeightShard{"model.safetensors", safetensors, safetensors_size}},
                tokenizer_files, format);
  }

  // Fails (kInvalidArgument) when the text has no [MASK].
  MaskLogits mask_logits(const std::string& text) const;
  // One list per [MASK], each best first (top_k capped by the targets).
  // targets: restrict to these tokens (a word not in the vocabulary stands
  // for its first word piece, as transformers does).
  std::vector<std::vector<MaskPrediction>> predict(const MaskLogits& logits, size_t top_k,
                                                   const std::vector<std::string>& targets) const;
  std::vector<std::vector<MaskPrediction>> run(const std::string& text, size_t top_k,
                                               const std::vector<std::string>& targets) const {
    return predict(mask_logits(text), top_k, targets);
  }

  int32_t mask_id() const { return mask_id_; }
  const EncoderModel& model() const { return *parts_.model; }
  const EncoderTokenizer& tokenizer() const { return parts_.tokenizer; }

 private:
  FillMasker(EncoderParts parts, std::unique_ptr<MaskedLMHead> head)
      : parts_(std::move(parts)), head_(std::move(head)) {}

  EncoderParts parts_;
  std::unique_ptr<MaskedLMHead> head_;
  int32_t mask_id_ = -1;
};

}  // namespace pf
