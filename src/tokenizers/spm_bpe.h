// SentencePiece's BPE model (Llama 1/2, TinyLlama, llama2.c): the text is
// split into characters (user-defined pieces stay whole and never merge),
// then the adjacent pair whose concatenation is a piece with the highest
// score merges first (ties: the leftmost pair), until no pair is a piece.
// A priority queue of candidate pairs over a linked list of symbols keeps
// this O(n log n). Matches sentencepiece's bpe_model.cc, including the
// re-splitting of "unused" pieces into the pair they were merged from.
#pragma once

#include <memory>

#include "tokenizers/model.h"
#include "tokenizers/sentencepiece_vocab.h"

namespace pf {

class SpmBpeModel : public TokenizerModel {
 public:
  SpmBpeModel(std::shared_ptr<const SentencePieceVocab> vocab, bool byte_fallback);

  // Expects normalized text (spaces already "▁"); offsets index into it.
  void tokenize(std::string_view piece, std::vector<ModelToken>* out) const override;
  int32_t token_to_id(std::string_view token) const override { return vocab_->piece_to_id(token); }
  const std::string& id_to_token(int32_t id) const override { return vocab_->piece(id); }
  size_t vocab_size() const override { return vocab_->size(); }

  // The merged segments before unknown handling (unknown characters carry unk_id).
  std::vector<SpmSegment> segment(std::string_view text) const;

 private:
  std::shared_ptr<const SentencePieceVocab> vocab_;
  bool byte_fallback_;
};

}  // namespace pf
