#include "tasks/text_classification.h"

#include "core/error.h"
#include "tasks/label_config.h"
#include "tasks/scores.h"

namespace pf {

ScoreFunction parse_score_function(const std::string& name) {
  if (name.empty() || name == "default") return ScoreFunction::kDefault;
  if (name == "softmax") return ScoreFunction::kSoftmax;
  if (name == "sigmoid") return ScoreFunction::kSigmoid;
  if (name == "none") return ScoreFunction::kNone;
  fail(ErrorCode::kInvalidArgument,
       "unknown function_to_apply '" + name + "' (expected 'softmax', 'sigmoid' or 'none')");
}

std::unique_ptr<TextClassifier> TextClassifier::load(const std::string& config_json,
                                const std::vector<WeightShard>& weights,
                                const TokenizerFiles& tokenizer_files,
                                                     WeightFormat format) {
  const LabelConfig label_config = parse_label_config(config_json);
  const EncoderConfig config = parse_encoder_config(config_json);
  std::unique_ptr<SequenceClassificationHead> head;
  EncoderParts parts = load_encoder_parts(
      config_json, weights, tokenizer_files, format,
      [&](const SafetensorsFile& file) { head = SequenceClassificationHead::load(config, file); });
  auto task = std::unique_ptr<TextClassifier>(new TextClassifier(std::move(parts), std::move(head)));
  task->labels_ = labels_for_head(label_config, task->head_->num_labels());
  const bool multi_label = label_config.problem_type == "multi_label_classification";
  task->default_function_ =
      multi_label || task->labels_.size() == 1 ? ScoreFunction::kSigmoid : ScoreFunction::kSoftmax;
  return task;
}

std::vector<float> TextClassifier::logits(const std::vector<std::string>& texts) const {
  const EncoderBatch batch = encode_texts(parts_, texts);
  const std::vector<float> hidden = parts_.model->forward(batch);
  return head_->forward(*parts_.model, hidden, batch.batch, batch.seq);
}

std::vector<LabelScore> TextClassifier::rank(const float* logits, size_t top_k,
                                             ScoreFunction function) const {
  const size_t n = labels_.size();
  std::vector<float> scores(logits, logits + n);
  if (function == ScoreFunction::kDefault) function = default_function_;
  if (function == ScoreFunction::kSoftmax) softmax_rows(scores.data(), 1, n);
  if (function == ScoreFunction::kSigmoid) sigmoid(scores.data(), n);
  std::vector<LabelScore> out;
  for (size_t i : top_k_indices(scores.data(), n, top_k)) {
    out.push_back({(int32_t)i, labels_[i], scores[i]});
  }
  return out;
}

std::vector<std::vector<LabelScore>> TextClassifier::run(const std::vector<std::string>& texts,
                                                         size_t top_k,
                                                         ScoreFunction function) const {
  const std::vector<float> all = logits(texts);
  std::vector<std::vector<LabelScore>> out;
  for (size_t b = 0; b < texts.size(); ++b) {
    out.push_back(rank(&all[b * labels_.size()], top_k, function));
  }
  return out;
}

}  // namespace pf
