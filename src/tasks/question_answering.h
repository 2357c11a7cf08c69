// question-answering (extractive): [CLS] question [SEP] context [SEP]
// (<s> question </s></s> context </s> for RoBERTa) ->
// encoder -> qa_outputs (start, end logits) -> the best context span, as
// transformers' QuestionAnsweringPipeline computes it:
//  - a context longer than the window is split into overlapping windows
//    (doc_stride tokens shared by neighbours);
//  - per window, softmax over the start logits and over the end logits of
//    [CLS] + context tokens; [CLS] then scores 0;
//  - a span's score is p_start * p_end, with start <= end, both in the
//    context, at most max_answer_len tokens;
//  - answers of every window ranked together; a span is widened to whole
//    words (align_to_words) and reported as a character range of the context.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"

namespace pf {

struct QaOptions {
  size_t top_k = 1;
  size_t max_answer_len = 15;
  size_t max_seq_len = 0;  // 0: min(384, max_position_embeddings)
  size_t doc_stride = 0;   // 0: min(max_seq_len / 2, 128)
};

struct QaAnswer {
  float score = 0;
  uint32_t start = 0, end = 0;  // byte offsets into the context
  std::string answer;
};

// One model input of a question/context pair.
struct QaWindow {
  std::vector<int32_t> ids, type_ids;
  // Per position: index into the context's tokens, or -1 outside the context.
  std::vector<int32_t> context_token;
};

struct QaInput {
  std::vector<EncoderTokenizer::SpannedToken> context_tokens;
  std::vector<QaWindow> windows;
};

// The post-processing alone: logits [window][position] -> ranked answers.
std::vector<QaAnswer> decode_answers(const std::string& context, const QaInput& input,
                                     const std::vector<std::vector<float>>& start_logits,
                                     const std::vector<std::vector<float>>& end_logits,
                                     const QaOptions& options);

class QuestionAnswerer {
 public:
  // `weights`: model.safetensors, or the shards its index lists.
  static std::unique_ptr<QuestionAnswerer> load(const std::string& config_json,
                                  const std::vector<WeightShard>& weights,
                                  const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32);
  static std::unique_ptr<QuestionAnswerer> load(const std::string& config_json, const uint8_t* safetensors,
                                  size_t safetensors_size, const TokenizerFiles& tokenizer_files,
                                  WeightFormat format = WeightFormat::kF32) {
    return load(config_json, {WeightShard{"model.safetensors", safetensors, safetensors_size}},
                tokenizer_files, format);
  }

  // Fills in the defaults of options and checks them.
  QaOptions resolve(QaOptions options) const;
  QaInput prepare(const std::string& question, const std::string& context,
                  const QaOptions& resolved) const;
  // Start and end logits per window (padding dropped).
  void logits(const QaInput& input, std::vector<std::vector<float>>* start,
              std::vector<std::vector<float>>* end) const;
  std::vector<QaAnswer> run(const std::string& question, const std::string& context,
                            const QaOptions& options) const;

  const EncoderModel& model() const { return *parts_.model; }
  const EncoderTokenizer& tokenizer() const { return parts_.tokenizer; }

 private:
  QuestionAnswerer(EncoderParts parts, std::unique_ptr<TokenLinearHead> head)
      : parts_(std::move(parts)), head_(std::move(head)) {}

  EncoderParts parts_;
  std::unique_ptr<TokenLinearHead> head_;
};

}  // namespace pf
