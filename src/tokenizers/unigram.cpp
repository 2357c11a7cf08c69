#include "tokenizers/unigram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/json_util.h"

namespace pf {

namespace {

constexpr float kUnkPenalty = 10.0f;

}  // namespace

UnigramModel::UnigramModel(std::shared_ptr<const SentencePieceVocab> vocab, bool byte_fallback,
                           Flavor flavor)
    : vocab_(std::move(vocab)), byte_fallback_(byte_fallback), flavor_(flavor) {
  node_piece_.push_back(-1);  // the root
  for (size_t id = 0; id < vocab_->size(); ++id) {
    min_score_all_ = std::min(min_score_all_, (double)vocab_->score((int32_t)id));
    const SpmPieceType type = vocab_->type((int32_t)id);
    if (flavor_ != Flavor::kHuggingFace && type != SpmPieceType::kNormal &&
        type != SpmPieceType::kUserDefined && type != SpmPieceType::kUnused) {
      continue;
    }
    int32_t node = 0;
    for (const char c : vocab_->piece((int32_t)id)) {
      const uint64_t key = ((uint64_t)node << 8) | (uint8_t)c;
      const auto it = edges_.find(key);
      if (it != edges_.end()) {
        node = it->second;
      } else {
        const int32_t next = (int32_t)node_piece_.size();
        node_piece_.push_back(-1);
        edges_.emplace(key, next);
        node = next;
      }
    }
    node_piece_[node] = (int32_t)id;  // pieces are unique, so never overwritten
  }
}

// PathScore: float for sentencepiece (which stores path scores as float),
// double for Hugging Face tokenizers (f64 throughout).
template <typename PathScore>
std::vector<SpmSegment> UnigramModel::viterbi(std::string_view text, PathScore unk_score) const {
  std::vector<SpmSegment> result;
  if (text.empty()) return result;
  const SentencePieceVocab& vocab = *vocab_;
  struct Best {
    int32_t id = -1;
    PathScore score = 0;
    int64_t starts_at = -1;
  };
  const size_t size = text.size();
  const float max_score = vocab.max_normal_score();
  std::vector<Best> best(size + 1);
  static const uint8_t kLeadLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  for (size_t start = 0; start < size;) {
    const PathScore score_here = best[start].score;
    const size_t char_len = std::min<size_t>(kLeadLen[(uint8_t)text[start] >> 4], size - start);
    bool covers_char = false;
    int32_t node = 0;
    for (size_t end = start; end < size;) {
      node = child(node, (uint8_t)text[end]);
      if (node < 0) break;
      ++end;
      const int32_t id = node_piece_[node];
      if (id < 0) continue;
      const SpmPieceType type = vocab.type(id);
      if (type == SpmPieceType::kUnused && flavor_ != Flavor::kHuggingFace) continue;
      const size_t length = end - start;
      // As sentencepiece: its score is a conditional whose user-defined arm
      // is double (length * max_score - 0.1), so every candidate path score
      // is summed and compared in double, then stored back as float.
      const double score = type == SpmPieceType::kUserDefined ? (double)(length * max_score) - 0.1
                           : exact_scores_.empty()            ? (double)vocab.score(id)
                                                              : exact_scores_[(size_t)id];
      const double candidate = score + score_here;
      Best& target = best[end];
      if (target.starts_at < 0 || candidate > target.score) {
        target = {id, (PathScore)candidate, (int64_t)start};
      }
      if (length == char_len) covers_char = true;
    }
    if (!covers_char) {
      Best& target = best[start + char_len];
      const PathScore candidate = unk_score + score_here;
      if (target.starts_at < 0 || candidate > target.score) {
        target = {vocab.unk_id(), candidate, (int64_t)start};
      }
    }
    start += char_len;
  }
  for (size_t end = size; end > 0;) {
    const Best& node = best[end];
    result.push_back({(uint32_t)node.starts_at, (uint32_t)end, node.id});
    end = (size_t)node.starts_at;
  }
  std::reverse(result.begin(), result.end());
  return result;
}

std::vector<SpmSegment> UnigramModel::segment(std::string_view text) const {
  if (flavor_ == Flavor::kHuggingFace) return viterbi<double>(text, min_score_all_ - (double)kUnkPenalty);
  return viterbi<float>(text, vocab_->min_normal_score() - kUnkPenalty);
}

void UnigramModel::tokenize(std::string_view piece, std::vector<ModelToken>* out) const {
  if (flavor_ == Flavor::kHuggingFace) {
    emit_hf(segment(piece), piece, out);
  } else {
    vocab_->emit(segment(piece), piece, byte_fallback_, out);
  }
}

void UnigramModel::emit_hf(const std::vector<SpmSegment>& segments, std::string_view text,
                           std::vector<ModelToken>* out) const {
  const int32_t unk = vocab_->unk_id();
  for (size_t i = 0; i < segments.size();) {
    if (segments[i].id != unk) {
      out->push_back({segments[i].id, segments[i].begin, segments[i].end});
      ++i;
      continue;
    }
    // A run of unknown characters is one string; tokenizers looks it up as
    // a piece first, then as <0xXX> byte pieces, then gives unk.
    const uint32_t begin = segments[i].begin;
    while (i < segments.size() && segments[i].id == unk) ++i;
    const uint32_t end = segments[i - 1].end;
    const std::string_view run = text.substr(begin, end - begin);
    if (const int32_t id = vocab_->piece_to_id(run); id >= 0) {
      out->push_back({id, begin, end});
      continue;
    }
    bool all_bytes = byte_fallback_;
    for (size_t k = 0; all_bytes && k < run.size(); ++k) all_bytes = vocab_->byte_piece_id((uint8_t)run[k]) >= 0;
    if (!all_bytes) {
      out->push_back({unk, begin, end});
      continue;
    }
    for (const char c : run) out->push_back({vocab_->byte_piece_id((uint8_t)c), begin, end});
  }
}

std::unique_ptr<UnigramModel> UnigramModel::from_json(const nlohmann::json& j) {
  const nlohmann::json& list = json_at(j, "vocab", "Unigram model");
  if (!list.is_array()) fail(ErrorCode::kCorruptModel, "tokenizer.json: Unigram vocab is not a list");
  if (list.empty()) fail(ErrorCode::kCorruptModel, "tokenizer.json: Unigram vocab is empty");
  const int64_t unk_id = json_int(j, "unk_id", -1, "Unigram model");
  if (unk_id < 0) fail(ErrorCode::kUnsupported, "tokenizer.json: Unigram model without an unk_id");
  if ((size_t)unk_id >= list.size()) fail(ErrorCode::kCorruptModel, "tokenizer.json: Unigram unk_id is outside the vocab");
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<double> exact_scores;
  std::vector<int32_t> types;
  pieces.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& item = list[i];
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_number()) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json: Unigram vocab entry " + std::to_string(i) +
                                         " is not [piece, score]");
    }
    pieces.push_back(item[0].get<std::string>());
    const double score = item[1].get<double>();
    if (!std::isfinite(score)) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json: Unigram score of entry " + std::to_string(i) + " is not finite");
    }
    scores.push_back((float)score);
    exact_scores.push_back(score);
    // Types only mark what tokenizers looks up by name: unk, and <0xXX>
    // pieces for byte fallback. Every piece stays matchable (kHuggingFace).
    const std::string& p = pieces.back();
    const bool byte_piece = p.size() == 6 && p.compare(0, 3, "<0x") == 0 && p[5] == '>' &&
                            std::isxdigit((unsigned char)p[3]) && std::isxdigit((unsigned char)p[4]) &&
                            !std::islower((unsigned char)p[3]) && !std::islower((unsigned char)p[4]);
    types.push_back((int64_t)i == unk_id ? (int32_t)SpmPieceType::kUnknown
                    : byte_piece         ? (int32_t)SpmPieceType::kByte
                                         : (int32_t)SpmPieceType::kNormal);
  }
  auto vocab = std::make_shared<SentencePieceVocab>(std::move(pieces), std::move(scores), std::move(types));
  auto model = std::make_unique<UnigramModel>(std::move(vocab), json_bool(j, "byte_fallback", false, "Unigram model"),
                                              Flavor::kHuggingFace);
  model->exact_scores_ = std::move(exact_scores);
  model->min_score_all_ = *std::min_element(model->exact_scores_.begin(), model->exact_scores_.end());
  return model;
}

}  // namespace pf
