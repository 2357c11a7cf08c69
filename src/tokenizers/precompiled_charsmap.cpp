#include "tokenizers/precompiled_charsmap.h"

#include "core/error.h"
#include "tokenizers/sentencepiece_vocab.h"

namespace pf {

namespace {

// sentencepiece keeps only the first 32 matches of a prefix search.
constexpr size_t kMaxMatches = 32;

// Darts-clone's unit layout.
bool unit_has_leaf(uint32_t unit) { return (unit >> 8) & 1; }
uint32_t unit_value(uint32_t unit) { return unit & ((1u << 31) - 1); }
uint32_t unit_label(uint32_t unit) { return unit & ((1u << 31) | 0xFF); }
uint32_t unit_offset(uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }

}  // namespace

PrecompiledCharsmap PrecompiledCharsmap::parse(const uint8_t* data, size_t size) {
  if (size <= 4) fail(ErrorCode::kCorruptModel, "precompiled charsmap: blob is too short");
  const uint32_t trie_size =
      (uint32_t)data[0] | ((uint32_t)data[1] << 8) | ((uint32_t)data[2] << 16) | ((uint32_t)data[3] << 24);
  if (trie_size > size - 4) {
    fail(ErrorCode::kCorruptModel, "precompiled charsmap: trie size " + std::to_string(trie_size) +
                                       " exceeds the blob's " + std::to_string(size) + " bytes");
  }
  if (trie_size % 4 != 0 || trie_size == 0) {
    fail(ErrorCode::kCorruptModel, "precompiled charsmap: trie size " + std::to_string(trie_size) +
                                       " is not a positive multiple of 4");
  }
  PrecompiledCharsmap map;
  map.units_.resize(trie_size / 4);
  const uint8_t* p = data + 4;
  for (size_t i = 0; i < map.units_.size(); ++i, p += 4) {
    map.units_[i] = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
  }
  map.strings_.assign(reinterpret_cast<const char*>(data + 4 + trie_size), size - 4 - trie_size);
  return map;
}

size_t PrecompiledCharsmap::match_prefix(std::string_view text, std::string_view* replacement) const {
  if (units_.empty()) return 0;
  size_t longest = 0;
  uint32_t longest_value = 0;
  size_t matches = 0;
  size_t node = unit_offset(units_[0]);
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t c = (uint8_t)text[i];
    node ^= c;
    if (node >= units_.size()) break;
    const uint32_t unit = units_[node];
    if (unit_label(unit) != c) break;
    node ^= unit_offset(unit);
    if (unit_has_leaf(unit)) {
      if (node >= units_.size()) break;
      if (matches < kMaxMatches && i + 1 > longest) {
        longest = i + 1;
        longest_value = unit_value(units_[node]);
      }
      ++matches;
    }
  }
  if (longest == 0) return 0;
  if (longest_value >= strings_.size()) {
    *replacement = std::string_view();  // a link past the strings: treat as deleting
  } else {
    const size_t end = strings_.find('\0', longest_value);
    *replacement = std::string_view(strings_).substr(
        longest_value, (end == std::string::npos ? strings_.size() : end) - longest_value);
  }
  return longest;
}

void PrecompiledCharsmap::normalize(std::string_view text, std::string* out,
                                    std::vector<uint32_t>* to_orig) const {
  out->clear();
  if (to_orig) to_orig->clear();
  static const std::string_view kReplacementChar = "\xEF\xBF\xBD";
  for (size_t pos = 0; pos < text.size();) {
    std::string_view piece;
    size_t consumed = match_prefix(text.substr(pos), &piece);
    if (consumed == 0) {
      bool valid;
      consumed = spm_utf8_char(text.substr(pos), &valid);
      piece = valid ? text.substr(pos, consumed) : kReplacementChar;
    }
    out->append(piece.data(), piece.size());
    if (to_orig) to_orig->insert(to_orig->end(), piece.size(), (uint32_t)pos);
    pos += consumed;
  }
  if (to_orig) to_orig->push_back((uint32_t)text.size());
}

}  // namespace pf
