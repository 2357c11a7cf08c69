#include "tasks/fill_mask.h"

#include <algorithm>

#include "core/error.h"
#include "tasks/scores.h"

namespace pf {

std::unique_ptr<FillMasker> FillMasker::load(const std::string& config_json,
                                const std::vector<WeightShard>& weights,
                                const TokenizerFiles& tokenizer_files, WeightFormat format) {
  const EncoderConfig config = parse_encoder_config(config_json);
  std::unique_ptr<MaskedLMHead> head;
  EncoderParts parts = load_encoder_parts(
      config_json, weights, tokenizer_files, format,
      [&](const SafetensorsFile& file) { head = MaskedLMHead::load(config, file, format); });
  auto task = std::unique_ptr<FillMasker>(new FillMasker(std::move(parts), std::move(head)));
  const EncoderTokenizer& tok = task->parts_.tokenizer;
  task->mask_id_ = tok.mask_id();
  if (task->mask_id_ < 0) {
    fail(ErrorCode::kCorruptModel, std::string(tok.source_name()) + " has no mask token");
  }
  return task;
}

MaskLogits FillMasker::mask_logits(const std::string& text) const {
  MaskLogits out;
  out.ids = parts_.tokenizer.encode(text, (size_t)parts_.model->config().max_length());
  for (size_t i = 0; i < out.ids.size(); ++i) {
    if (out.ids[i] == mask_id_) out.mask_positions.push_back(i);
  }
  if (out.mask_positions.empty()) {
    fail(ErrorCode::kInvalidArgument,
         "no mask token (" + parts_.tokenizer.mask_token() + ") found in the input");
  }
  const EncoderBatch batch = pad_batch({out.ids}, nullptr, parts_.tokenizer.pad_id());
  const std::vector<float> hidden = parts_.model->forward(batch);
  // Only the masked positions go through the (vocabulary-sized) head.
  const size_t H = (size_t)parts_.model->config().hidden_size;
  std::vector<float> rows(out.mask_positions.size() * H);
  for (size_t m = 0; m < out.mask_positions.size(); ++m) {
    std::copy(&hidden[out.mask_positions[m] * H], &hidden[out.mask_positions[m] * H] + H,
              &rows[m * H]);
  }
  out.logits = head_->forward(rows.data(), out.mask_positions.size());
  return out;
}

std::vector<std::vector<MaskPrediction>> FillMasker::predict(
    const MaskLogits& in, size_t top_k, const std::vector<std::string>& targets) const {
  const EncoderTokenizer& tok = parts_.tokenizer;
  const size_t V = (size_t)parts_.model->config().vocab_size;
  std::vector<int32_t> target_ids;
  for (const std::string& target : targets) {
    int32_t id = tok.token_to_id(target);
    if (id < 0) {
      const std::vector<int32_t> pieces = tok.tokenize_ids(target);
      if (pieces.empty()) continue;  // nothing to score (transformers skips it too)
      id = pieces.front();
    }
    if (std::find(target_ids.begin(), target_ids.end(), id) == target_ids.end()) {
      target_ids.push_back(id);
    }
  }
  if (!targets.empty() && target_ids.empty()) {
    fail(ErrorCode::kInvalidArgument, "none of the targets gives a token");
  }
  if (!target_ids.empty()) top_k = std::min(top_k, target_ids.size());
  const bool single_mask = in.mask_positions.size() == 1;

  std::vector<std::vector<MaskPrediction>> out;
  for (size_t m = 0; m < in.mask_positions.size(); ++m) {
    std::vector<float> probs(in.logits.begin() + m * V, in.logits.begin() + (m + 1) * V);
    softmax_rows(probs.data(), 1, V);
    std::vector<float> candidates;
    if (target_ids.empty()) {
      candidates = probs;
    } else {
      for (int32_t id : target_ids) candidates.push_back(probs[(size_t)id]);
    }
    std::vector<MaskPrediction> row;
    for (size_t i : top_k_indices(candidates.data(), candidates.size(), top_k)) {
      MaskPrediction p;
      p.token = target_ids.empty() ? (int32_t)i : target_ids[i];
      p.score = candidates[i];
      std::vector<int32_t> filled;
      for (size_t t = 0; t < in.ids.size(); ++t) {
        const int32_t id = t == in.mask_positions[m] ? p.token : in.ids[t];
        if (id != tok.pad_id()) filled.push_back(id);
      }
      // With several masks the other [MASK]s stay visible, so special tokens
      // are kept (transformers does the same).
      p.sequence = tok.decode(filled, single_mask);
      p.token_str = tok.decode({p.token}, false);
      row.push_back(std::move(p));
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace pf
