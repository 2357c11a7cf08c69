#include "tasks/zero_shot_classification.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "tasks/label_config.h"

namespace pf {

ZeroShotResult rank_zero_shot(const std::vector<float>& logits, size_t num_labels,
                              const std::vector<std::string>& candidates, size_t entailment_id,
                              bool multi_label) {
  const size_t n = candidates.size();
  std::vector<double> scores(n);
  if (multi_label || n == 1) {
    const size_t contradiction = entailment_id == 0 ? num_labels - 1 : 0;
    for (size_t i = 0; i < n; ++i) {
      const double e = logits[i * num_labels + entailment_id];
      const double c = logits[i * num_labels + contradiction];
      scores[i] = 1.0 / (1.0 + std::exp(c - e));  // softmax([c, e])[1]
    }
  } else {
    double m = -INFINITY, sum = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, (double)logits[i * num_labels + entailment_id]);
    for (size_t i = 0; i < n; ++i) sum += (scores[i] = std::exp(logits[i * num_labels + entailment_id] - m));
    for (double& s : scores) s /= sum;
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  ZeroShotResult out;
  for (size_t i : order) {
    out.labels.push_back(candidates[i]);
    out.scores.push_back((float)scores[i]);
  }
  return out;
}

std::unique_ptr<ZeroShotClassifier> ZeroShotClassifier::load(const std::string& config_json,
                                const std::vector<WeightShard>& weights,
                                const TokenizerFiles& tokenizer_files,
                                                             WeightFormat format) {
  const LabelConfig label_config = parse_label_config(config_json);
  const EncoderConfig config = parse_encoder_config(config_json);
  std::unique_ptr<SequenceClassificationHead> head;
  EncoderParts parts = load_encoder_parts(
      config_json, weights, tokenizer_files, format,
      [&](const SafetensorsFile& file) { head = SequenceClassificationHead::load(config, file); });
  auto task = std::unique_ptr<ZeroShotClassifier>(
      new ZeroShotClassifier(std::move(parts), std::move(head)));
  task->labels_ = labels_for_head(label_config, task->head_->num_labels());
  if (task->labels_.size() < 2) {
    fail(ErrorCode::kUnsupported, "zero-shot classification needs an NLI model with at least 2 labels");
  }
  task->entailment_id_ = task->labels_.size() - 1;
  for (size_t i = 0; i < task->labels_.size(); ++i) {
    std::string lower = task->labels_[i];
    for (char& c : lower) c = (char)std::tolower((unsigned char)c);
    if (lower.compare(0, 6, "entail") == 0) {
      task->entailment_id_ = i;
      break;
    }
  }
  return task;
}

std::vector<std::string> ZeroShotClassifier::hypotheses(
    const std::vector<std::string>& candidates, const std::string& hypothesis_template) const {
  const size_t slot = hypothesis_template.find("{}");
  if (slot == std::string::npos) {
    fail(ErrorCode::kInvalidArgument, "hypothesis_template '" + hypothesis_template +
                                          "' has no {} for the label");
  }
  if (candidates.empty()) fail(ErrorCode::kInvalidArgument, "no candidate labels");
  std::vector<std::string> out;
  for (const std::string& label : candidates) {
    std::string h = hypothesis_template;
    h.replace(slot, 2, label);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<float> ZeroShotClassifier::pair_logits(
    const std::string& text, const std::vector<std::string>& hypotheses) const {
  const EncoderTokenizer& tok = parts_.tokenizer;
  const size_t max_len = (size_t)parts_.model->config().max_length();
  const bool segments = parts_.model->config().type_vocab_size > 1;
  const EncoderTokenizer::Specials& sp = tok.pair();
  const std::vector<int32_t> premise = tok.tokenize_ids(text);
  std::vector<std::vector<int32_t>> ids, types;
  for (const std::string& h : hypotheses) {
    const std::vector<int32_t> hyp = tok.tokenize_ids(h);
    if (hyp.size() + sp.count() >= max_len) {
      fail(ErrorCode::kInvalidArgument, "the hypothesis '" + h + "' is too long for the model");
    }
    // Only the text is truncated (truncation="only_first").
    const size_t keep = std::min(premise.size(), max_len - hyp.size() - sp.count());
    std::vector<int32_t> row = sp.prefix, type = sp.prefix_types;
    row.insert(row.end(), premise.begin(), premise.begin() + (long)keep);
    row.insert(row.end(), sp.middle.begin(), sp.middle.end());
    type.resize(row.size() - sp.middle.size(), 0);
    type.insert(type.end(), sp.middle_types.begin(), sp.middle_types.end());
    row.insert(row.end(), hyp.begin(), hyp.end());
    type.resize(row.size(), sp.second_type);
    row.insert(row.end(), sp.suffix.begin(), sp.suffix.end());
    type.insert(type.end(), sp.suffix_types.begin(), sp.suffix_types.end());
    if (!segments) type.assign(row.size(), 0);
    ids.push_back(std::move(row));
    types.push_back(std::move(type));
  }
  const EncoderBatch batch = pad_batch(ids, &types, tok.pad_id());
  const std::vector<float> hidden = parts_.model->forward(batch);
  return head_->forward(*parts_.model, hidden, batch.batch, batch.seq);
}

ZeroShotResult ZeroShotClassifier::run(const std::string& text,
                                       const std::vector<std::string>& candidates,
                                       const std::string& hypothesis_template,
                                       bool multi_label) const {
  const std::vector<float> logits = pair_logits(text, hypotheses(candidates, hypothesis_template));
  return rank_zero_shot(logits, labels_.size(), candidates, entailment_id_, multi_label);
}

}  // namespace pf
