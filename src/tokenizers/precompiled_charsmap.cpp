#include "tokenizers/precompiled_charsmap.h"

#include <utf8proc.h>

#include <algorithm>

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

template <typename F>
void PrecompiledCharsmap::prefix_search(std::string_view text, bool stop_at_nul, F on_match) const {
  if (units_.empty()) return;
  size_t node = unit_offset(units_[0]);
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t c = (uint8_t)text[i];
    if (c == 0 && stop_at_nul) return;
    node ^= c;
    if (node >= units_.size()) return;  // only a corrupt trie links outside
    const uint32_t unit = units_[node];
    if (unit_label(unit) != c) return;
    node ^= unit_offset(unit);
    if (unit_has_leaf(unit)) {
      if (node >= units_.size()) return;
      if (!on_match(i + 1, unit_value(units_[node]))) return;
    }
  }
}

std::string_view PrecompiledCharsmap::replacement_at(uint32_t value) const {
  if (value >= strings_.size()) return std::string_view();  // a corrupt link: treat as deleting
  const size_t end = strings_.find('\0', value);
  return std::string_view(strings_).substr(value, (end == std::string::npos ? strings_.size() : end) - value);
}

size_t PrecompiledCharsmap::match_prefix(std::string_view text, std::string_view* replacement) const {
  size_t longest = 0, matches = 0;
  uint32_t longest_value = 0;
  prefix_search(text, false, [&](size_t length, uint32_t value) {
    if (length > longest) {
      longest = length;
      longest_value = value;
    }
    return ++matches < kMaxMatches;
  });
  if (longest > 0) *replacement = replacement_at(longest_value);
  return longest;
}

size_t PrecompiledCharsmap::match_first(std::string_view text, std::string_view* replacement) const {
  size_t first = 0;
  prefix_search(text, true, [&](size_t length, uint32_t value) {
    first = length;
    *replacement = replacement_at(value);
    return false;
  });
  return first;
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

void PrecompiledCharsmap::normalize_hf(std::string_view text, std::string* out,
                                       std::vector<uint32_t>* to_orig,
                                       std::vector<int32_t>* changes) const {
  out->clear();
  if (to_orig) to_orig->clear();
  if (changes) changes->clear();
  static const std::string_view kReplacementChar = "\xEF\xBF\xBD";
  const auto count_chars = [](std::string_view s) {
    size_t n = 0;
    for (const char c : s) n += ((uint8_t)c & 0xC0) != 0x80;
    return n;
  };
  // piece replaces old_chars input characters. As HF's replace(): the new
  // characters take the old ones' places; extra new ones are insertions
  // (+1 on the last ones), missing ones are a negative change on the last
  // character recorded so far, even one from an earlier cluster.
  const auto emit = [&](std::string_view piece, size_t orig, size_t old_chars) {
    out->append(piece.data(), piece.size());
    if (to_orig) to_orig->insert(to_orig->end(), piece.size(), (uint32_t)orig);
    if (!changes) return;
    const size_t new_chars = count_chars(piece);
    changes->insert(changes->end(), new_chars, 0);
    if (new_chars > old_chars) {
      std::fill(changes->end() - (std::ptrdiff_t)(new_chars - old_chars), changes->end(), 1);
    } else if (new_chars < old_chars && !changes->empty()) {
      changes->back() -= (int32_t)(old_chars - new_chars);
    }
  };
  // Character boundaries first (an invalid byte is a one-byte U+FFFD), then
  // grapheme clusters over them.
  struct Char {
    size_t begin, len;
    int32_t cp;
  };
  std::vector<Char> chars;
  for (size_t pos = 0; pos < text.size();) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                                          (utf8proc_ssize_t)(text.size() - pos), &cp);
    if (n <= 0) {
      chars.push_back({pos, 1, -1});
      pos += 1;
    } else {
      chars.push_back({pos, (size_t)n, cp});
      pos += (size_t)n;
    }
  }
  const auto char_text = [&](const Char& c) {
    return c.cp < 0 ? kReplacementChar : text.substr(c.begin, c.len);
  };
  // One break test per adjacent valid pair, in order, so utf8proc's state
  // (regional-indicator pairs, emoji ZWJ sequences) follows the text.
  std::vector<bool> break_before(chars.size() + 1, true);
  utf8proc_int32_t state = 0;
  for (size_t k = 1; k < chars.size(); ++k) {
    if (chars[k - 1].cp < 0 || chars[k].cp < 0) {
      state = 0;
      continue;
    }
    break_before[k] = utf8proc_grapheme_break_stateful(chars[k - 1].cp, chars[k].cp, &state);
  }
  for (size_t i = 0; i < chars.size();) {
    size_t j = i + 1;
    while (j < chars.size() && !break_before[j]) ++j;
    const size_t begin = chars[i].begin;
    const size_t end = chars[j - 1].begin + chars[j - 1].len;
    std::string_view replacement;
    const bool all_valid = chars[i].cp >= 0;  // an invalid byte is always its own cluster
    if (all_valid && end - begin < 6 && match_first(text.substr(begin, end - begin), &replacement) > 0) {
      emit(replacement, begin, j - i);
    } else {
      for (size_t k = i; k < j; ++k) {
        const std::string_view c = char_text(chars[k]);
        emit(match_first(c, &replacement) > 0 ? replacement : c, chars[k].begin, 1);
      }
    }
    i = j;
  }
  if (to_orig) to_orig->push_back((uint32_t)text.size());
}

}  // namespace pf
