#include "tokenizers/spm_bpe.h"

#include <functional>
#include <queue>
#include <unordered_map>
#include <utility>

namespace pf {

namespace {

struct Symbol {
  int32_t prev;
  int32_t next;
  uint32_t begin;
  uint32_t size;  // 0 once merged into its left neighbour
  bool frozen;    // a user-defined piece: never merged
};

struct Candidate {
  float score;
  int32_t left;
  int32_t right;
  uint32_t size;  // combined size when queued; stale if the symbols changed since
};

// Highest score first; on equal scores the leftmost pair.
struct CandidateOrder {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

}  // namespace

SpmBpeModel::SpmBpeModel(std::shared_ptr<const SentencePieceVocab> vocab, bool byte_fallback)
    : vocab_(std::move(vocab)), byte_fallback_(byte_fallback) {}

std::vector<SpmSegment> SpmBpeModel::segment(std::string_view text) const {
  std::vector<SpmSegment> result;
  if (text.empty()) return result;
  const SentencePieceVocab& vocab = *vocab_;

  // Characters (as sentencepiece's PrefixMatcher: lead-byte length, clipped).
  std::vector<Symbol> symbols;
  symbols.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    size_t len = vocab.has_user_defined() ? vocab.match_user_defined(text.substr(pos)) : 0;
    const bool frozen = len > 0;
    if (!frozen) {
      static const uint8_t kLeadLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
      len = std::min<size_t>(kLeadLen[(uint8_t)text[pos] >> 4], text.size() - pos);
    }
    const int32_t index = (int32_t)symbols.size();
    symbols.push_back({index - 1, pos + len < text.size() ? index + 1 : -1, (uint32_t)pos,
                       (uint32_t)len, frozen});
    pos += len;
  }

  std::priority_queue<Candidate, std::vector<Candidate>, CandidateOrder> queue;
  // Pieces of type "unused" may be merged through, then split back into the
  // two halves they came from (sentencepiece's rev_merge).
  std::unordered_map<std::string_view, std::pair<std::string_view, std::string_view>> unused_halves;
  const auto view = [&](const Symbol& s) { return text.substr(s.begin, s.size); };
  const auto consider = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0 || symbols[left].frozen || symbols[right].frozen) return;
    const uint32_t size = symbols[left].size + symbols[right].size;
    const std::string_view merged = text.substr(symbols[left].begin, size);
    const int32_t id = vocab.find_mergeable(merged);
    if (id < 0) return;
    queue.push({vocab.score(id), left, right, size});
    if (vocab.type(id) == SpmPieceType::kUnused) {
      unused_halves[merged] = {view(symbols[left]), view(symbols[right])};
    }
  };
  for (size_t i = 1; i < symbols.size(); ++i) consider((int32_t)i - 1, (int32_t)i);

  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[top.left];
    Symbol& right = symbols[top.right];
    if (left.size == 0 || right.size == 0 || left.size + right.size != top.size) continue;
    left.size += right.size;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = top.left;
    right.size = 0;
    consider(left.prev, top.left);
    consider(top.left, left.next);
  }

  // Emits one final symbol at text offset begin, splitting unused pieces
  // back into their halves. (The halves were recorded at whichever
  // occurrence first merged them, so only their bytes are used, not where
  // they point.)
  std::function<void(std::string_view, uint32_t)> emit = [&](std::string_view piece, uint32_t begin) {
    int32_t id = vocab.piece_to_id(piece);
    if (id >= 0 && vocab.type(id) == SpmPieceType::kUnused) {
      const auto it = unused_halves.find(piece);
      if (it != unused_halves.end()) {
        emit(it->second.first, begin);
        emit(it->second.second, begin + (uint32_t)it->second.first.size());
        return;
      }
    }
    if (id < 0) id = vocab.unk_id();
    result.push_back({begin, begin + (uint32_t)piece.size(), id});
  };
  for (int32_t i = 0; i >= 0; i = symbols[i].next) emit(view(symbols[i]), symbols[i].begin);
  return result;
}

void SpmBpeModel::tokenize(std::string_view piece, std::vector<ModelToken>* out) const {
  vocab_->emit(segment(piece), piece, byte_fallback_, out);
}

}  // namespace pf
