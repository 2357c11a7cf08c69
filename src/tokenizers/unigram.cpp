#include "tokenizers/unigram.h"

#include <algorithm>
#include <limits>

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
    if (type != SpmPieceType::kNormal && type != SpmPieceType::kUserDefined &&
        type != SpmPieceType::kUnused) {
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
      if (type == SpmPieceType::kUnused) continue;
      const size_t length = end - start;
      // As sentencepiece: its score is a conditional whose user-defined arm
      // is double (length * max_score - 0.1), so every candidate path score
      // is summed and compared in double, then stored back as float.
      const double score = type == SpmPieceType::kUserDefined ? (double)(length * max_score) - 0.1
                                                              : (double)vocab.score(id);
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
  vocab_->emit(segment(piece), piece, byte_fallback_, out);
}

}  // namespace pf
