// The piece table shared by SentencePiece-family models (BPE with scores,
// Unigram): pieces, scores and types as a .model file, a GGUF "llama" vocab
// or a llama2.c tokenizer.bin describe them, with the lookups both models
// need, following sentencepiece's ModelInterface: normal, user-defined and
// unused pieces can be produced from text; unknown, control and byte pieces
// are reserved and only reachable by id (bytes through byte fallback).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizers/model.h"

namespace pf {

// sentencepiece_model.proto's SentencePiece.Type; GGUF token_type uses the same numbers.
enum class SpmPieceType : int32_t {
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

// One stretch of normalized text a model chose, before unknown handling.
struct SpmSegment {
  uint32_t begin = 0;
  uint32_t end = 0;
  int32_t id = -1;
};

class SentencePieceVocab {
 public:
  // Fails (kCorruptModel) on mismatched lengths, empty or duplicate pieces,
  // unknown type numbers, a byte piece not spelled <0xXX>, or not exactly one
  // unknown piece (sentencepiece requires one).
  SentencePieceVocab(std::vector<std::string> pieces, std::vector<float> scores,
                     std::vector<int32_t> types);
  // The lookup maps point into pieces_, so the table stays where it was built
  // (models share it through shared_ptr).
  SentencePieceVocab(const SentencePieceVocab&) = delete;
  SentencePieceVocab& operator=(const SentencePieceVocab&) = delete;

  size_t size() const { return pieces_.size(); }
  bool contains(int32_t id) const { return id >= 0 && (size_t)id < pieces_.size(); }
  const std::string& piece(int32_t id) const;  // "" outside the vocab
  float score(int32_t id) const { return contains(id) ? scores_[id] : 0.0f; }
  SpmPieceType type(int32_t id) const {
    return contains(id) ? types_[id] : SpmPieceType::kUnused;
  }
  int byte_value(int32_t id) const { return contains(id) ? byte_values_[id] : -1; }
  int32_t unk_id() const { return unk_id_; }
  // The id sentencepiece's decoder treats id as: it decodes via the piece
  // text, so a text that is both a reserved and a normal piece decodes as
  // the reserved one. Equal to id except for such duplicates.
  int32_t decode_id(int32_t id) const {
    return contains(id) && !decode_ids_.empty() ? decode_ids_[id] : id;
  }

  // A piece text can turn into (normal, user-defined, unused), or -1.
  int32_t find_mergeable(std::string_view piece) const;
  // Any piece, reserved ones first as sentencepiece's PieceToId does; -1 when absent.
  int32_t piece_to_id(std::string_view piece) const;
  int32_t byte_piece_id(uint8_t byte) const { return byte_ids_[byte]; }
  bool has_byte_pieces() const { return has_byte_pieces_; }

  // Length of the longest user-defined piece that prefixes text, or 0.
  size_t match_user_defined(std::string_view text) const;
  bool has_user_defined() const { return max_user_defined_len_ > 0; }

  // Over normal pieces only, as sentencepiece's Unigram model computes them.
  float min_normal_score() const { return min_normal_score_; }
  float max_normal_score() const { return max_normal_score_; }

  // Turns model segments into tokens: an unknown segment becomes byte pieces
  // when byte_fallback is on (a byte without a piece becomes unk), otherwise
  // runs of unknown segments fuse into one unk token, as sentencepiece does.
  void emit(const std::vector<SpmSegment>& segments, std::string_view text, bool byte_fallback,
            std::vector<ModelToken>* out) const;

 private:
  std::vector<std::string> pieces_;
  std::vector<float> scores_;
  std::vector<SpmPieceType> types_;
  std::vector<int16_t> byte_values_;  // -1 unless a byte piece
  std::vector<int32_t> decode_ids_;    // empty unless some text is both reserved and normal
  std::unordered_map<std::string_view, int32_t> mergeable_;
  std::unordered_map<std::string_view, int32_t> reserved_;
  std::unordered_map<std::string_view, int32_t> user_defined_;
  size_t max_user_defined_len_ = 0;
  int32_t byte_ids_[256];
  bool has_byte_pieces_ = false;
  int32_t unk_id_ = -1;
  float min_normal_score_ = 0.0f;
  float max_normal_score_ = 0.0f;
};

// sentencepiece's UTF-8 rules (string_util::DecodeUTF8): the length of the
// character at text[0] and whether it is valid (shortest form, no surrogates,
// <= U+10FFFF); an invalid lead byte counts as one byte. text must be non-empty.
size_t spm_utf8_char(std::string_view text, bool* valid);

extern const char kSpmSpaceSymbol[];  // U+2581 "▁" in UTF-8

}  // namespace pf
