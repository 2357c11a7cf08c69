// SentencePiece's Unigram model: the segmentation of the text into pieces
// with the highest total score (Viterbi over every piece that starts at
// each character). A character no piece covers costs min_score - 10 as
// unk; user-defined pieces score length * max_score - 0.1 so they always
// win; unused pieces are skipped. Matches sentencepiece's unigram_model.cc
// (EncodeOptimized), float arithmetic and tie-breaking included.
#pragma once

#include <limits>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <unordered_map>

#include "tokenizers/model.h"
#include "tokenizers/sentencepiece_vocab.h"

namespace pf {

class UnigramModel : public TokenizerModel {
 public:
  // kHuggingFace follows tokenizers' Unigram (tokenizer.json "Unigram"):
  // path scores in double, the unk score from the minimum over every piece
  // (unk's own score included) rather than over normal pieces, every piece
  // (unk, control and byte ones too) matchable by its text with its own
  // score, and unknown runs fused before byte fallback, which then covers
  // the whole run or falls back to one unk.
  enum class Flavor { kSentencePiece, kHuggingFace };

  UnigramModel(std::shared_ptr<const SentencePieceVocab> vocab, bool byte_fallback,
               Flavor flavor = Flavor::kSentencePiece);

  // tokenizer.json's {"type": "Unigram", "unk_id", "vocab": [[piece, score]...],
  // "byte_fallback"} in the kHuggingFace flavour. Fails with kCorruptModel on
  // a malformed vocab and kUnsupported without an unk_id.
  static std::unique_ptr<UnigramModel> from_json(const nlohmann::json& model);

  // Expects normalized text (spaces already "▁"); offsets index into it.
  void tokenize(std::string_view piece, std::vector<ModelToken>* out) const override;
  int32_t token_to_id(std::string_view token) const override { return vocab_->piece_to_id(token); }
  const std::string& id_to_token(int32_t id) const override { return vocab_->piece(id); }
  size_t vocab_size() const override { return vocab_->size(); }

  // The best segmentation before unknown handling (unknown characters carry unk_id).
  std::vector<SpmSegment> segment(std::string_view text) const;

 private:
  // A byte trie of the mergeable pieces: child of (node, byte) in a hash map.
  int32_t child(int32_t node, uint8_t byte) const {
    const auto it = edges_.find(((uint64_t)node << 8) | byte);
    return it == edges_.end() ? -1 : it->second;
  }

  // The kHuggingFace flavour's unknown handling (tokenizers' Unigram::tokenize).
  void emit_hf(const std::vector<SpmSegment>& segments, std::string_view text,
               std::vector<ModelToken>* out) const;

  template <typename PathScore>
  std::vector<SpmSegment> viterbi(std::string_view text, PathScore unk_score) const;

  std::shared_ptr<const SentencePieceVocab> vocab_;
  bool byte_fallback_;
  Flavor flavor_;
  double min_score_all_ = std::numeric_limits<double>::infinity();
  // tokenizer.json's scores as written (f64, as tokenizers keeps them); empty
  // when the vocab's float scores are the exact ones.
  std::vector<double> exact_scores_;
  std::unordered_map<uint64_t, int32_t> edges_;
  std::vector<int32_t> node_piece_;  // piece id ending at each trie node, or -1
};

}  // namespace pf
