#include "tokenizers/sentencepiece_vocab.h"

#include <algorithm>
#include <cfloat>

#include "core/error.h"

namespace pf {

const char kSpmSpaceSymbol[] = "\xe2\x96\x81";

namespace {

// "<0xXX>" with two upper-case hex digits, as sentencepiece's ByteToPiece writes it.
int parse_byte_piece(const std::string& piece) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return -1;
  int value = 0;
  for (int i = 3; i < 5; ++i) {
    const char c = piece[i];
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return -1;
    }
    value = value * 16 + digit;
  }
  return value;
}

}  // namespace

size_t spm_utf8_char(std::string_view text, bool* valid) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t len = text.size();
  const auto trail = [](uint8_t b) { return (b & 0xC0) == 0x80; };
  const auto codepoint_ok = [](uint32_t cp) {
    return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
  };
  *valid = true;
  if (s[0] < 0x80) return 1;
  if (len >= 2 && (s[0] & 0xE0) == 0xC0) {
    const uint32_t cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    if (trail(s[1]) && cp >= 0x80 && codepoint_ok(cp)) return 2;
  } else if (len >= 3 && (s[0] & 0xF0) == 0xE0) {
    const uint32_t cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    if (trail(s[1]) && trail(s[2]) && cp >= 0x800 && codepoint_ok(cp)) return 3;
  } else if (len >= 4 && (s[0] & 0xF8) == 0xF0) {
    const uint32_t cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
                        ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
    if (trail(s[1]) && trail(s[2]) && trail(s[3]) && cp >= 0x10000 && codepoint_ok(cp)) {
      return 4;
    }
  }
  *valid = false;
  return 1;
}

SentencePieceVocab::SentencePieceVocab(std::vector<std::string> pieces, std::vector<float> scores,
                                       std::vector<int32_t> types)
    : pieces_(std::move(pieces)), scores_(std::move(scores)) {
  if (scores_.size() != pieces_.size() || types.size() != pieces_.size()) {
    fail(ErrorCode::kCorruptModel, "sentencepiece vocab: " + std::to_string(pieces_.size()) +
                                       " pieces but " + std::to_string(scores_.size()) +
                                       " scores and " + std::to_string(types.size()) + " types");
  }
  if (pieces_.empty()) fail(ErrorCode::kCorruptModel, "sentencepiece vocab: no pieces");
  if (pieces_.size() > (size_t)INT32_MAX) fail(ErrorCode::kCorruptModel, "sentencepiece vocab too large");
  std::fill(std::begin(byte_ids_), std::end(byte_ids_), -1);
  types_.resize(pieces_.size());
  byte_values_.assign(pieces_.size(), -1);
  float min_score = FLT_MAX, max_score = FLT_MIN;  // sentencepiece's starting values
  for (size_t i = 0; i < pieces_.size(); ++i) {
    const std::string& piece = pieces_[i];
    const int32_t id = (int32_t)i;
    if (piece.empty()) fail(ErrorCode::kCorruptModel, "sentencepiece vocab: piece " + std::to_string(i) + " is empty");
    if (types[i] < 1 || types[i] > 6) {
      fail(ErrorCode::kCorruptModel, "sentencepiece vocab: piece " + std::to_string(i) +
                                         " has unknown type " + std::to_string(types[i]));
    }
    const auto type = static_cast<SpmPieceType>(types[i]);
    types_[i] = type;
    const bool mergeable = type == SpmPieceType::kNormal || type == SpmPieceType::kUserDefined ||
                           type == SpmPieceType::kUnused;
    if (!(mergeable ? mergeable_ : reserved_).emplace(piece, id).second) {
      fail(ErrorCode::kCorruptModel, "sentencepiece vocab: piece \"" + piece + "\" is defined twice");
    }
    switch (type) {
      case SpmPieceType::kNormal:
        min_score = std::min(min_score, scores_[i]);
        max_score = std::max(max_score, scores_[i]);
        break;
      case SpmPieceType::kUserDefined:
        user_defined_.emplace(piece, id);
        max_user_defined_len_ = std::max(max_user_defined_len_, piece.size());
        break;
      case SpmPieceType::kUnknown:
        if (unk_id_ >= 0) fail(ErrorCode::kCorruptModel, "sentencepiece vocab: more than one unknown piece");
        unk_id_ = id;
        break;
      case SpmPieceType::kByte: {
        const int value = parse_byte_piece(piece);
        if (value < 0) {
          fail(ErrorCode::kCorruptModel, "sentencepiece vocab: byte piece \"" + piece + "\" is not <0xXX>");
        }
        byte_values_[i] = (int16_t)value;
        if (byte_ids_[value] < 0) byte_ids_[value] = id;
        has_byte_pieces_ = true;
        break;
      }
      default:
        break;
    }
  }
  if (unk_id_ < 0) fail(ErrorCode::kCorruptModel, "sentencepiece vocab: no unknown piece (<unk>)");
  for (const auto& [piece, id] : mergeable_) {
    const auto it = reserved_.find(piece);
    if (it == reserved_.end()) continue;
    if (decode_ids_.empty()) {
      decode_ids_.resize(pieces_.size());
      for (size_t i = 0; i < pieces_.size(); ++i) decode_ids_[i] = (int32_t)i;
    }
    decode_ids_[id] = it->second;
  }
  min_normal_score_ = min_score;
  max_normal_score_ = max_score;
}

const std::string& SentencePieceVocab::piece(int32_t id) const {
  static const std::string empty;
  return contains(id) ? pieces_[id] : empty;
}

int32_t SentencePieceVocab::find_mergeable(std::string_view piece) const {
  const auto it = mergeable_.find(piece);
  return it == mergeable_.end() ? -1 : it->second;
}

int32_t SentencePieceVocab::piece_to_id(std::string_view piece) const {
  const auto it = reserved_.find(piece);
  if (it != reserved_.end()) return it->second;
  return find_mergeable(piece);
}

size_t SentencePieceVocab::match_user_defined(std::string_view text) const {
  for (size_t len = std::min(max_user_defined_len_, text.size()); len > 0; --len) {
    if (user_defined_.count(text.substr(0, len))) return len;
  }
  return 0;
}

void SentencePieceVocab::emit(const std::vector<SpmSegment>& segments, std::string_view text,
                              bool byte_fallback, std::vector<ModelToken>* out) const {
  bool prev_unk = false;
  for (const SpmSegment& seg : segments) {
    const bool is_unk = seg.id == unk_id_;
    if (is_unk && byte_fallback) {
      for (uint32_t i = seg.begin; i < seg.end; ++i) {
        const int32_t id = byte_ids_[(uint8_t)text[i]];
        out->push_back({id >= 0 ? id : unk_id_, seg.begin, seg.end});
      }
    } else if (is_unk && prev_unk && !out->empty()) {
      out->back().end = seg.end;
    } else {
      out->push_back({seg.id, seg.begin, seg.end});
    }
    prev_unk = is_unk;
  }
}

}  // namespace pf
