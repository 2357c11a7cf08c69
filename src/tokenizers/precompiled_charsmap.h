// sentencepiece's precompiled normalization rules (NormalizerSpec
// .precompiled_charsmap, and HF tokenizer.json's "Precompiled" normalizer,
// base64 of the same blob): uint32 little-endian size of a Darts-clone
// double-array trie, the trie's 32-bit units, then NUL-terminated
// replacement strings the trie's values point into. Normalizing replaces
// the longest rule matching at each position and copies other characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

class PrecompiledCharsmap {
 public:
  // Fails with kCorruptModel when the blob is too short or its trie size
  // does not fit. Trie links are checked while matching, not here.
  static PrecompiledCharsmap parse(const uint8_t* data, size_t size);

  // The longest rule that matches a prefix of text: returns the bytes it
  // consumes (0 when no rule matches) and sets *replacement.
  size_t match_prefix(std::string_view text, std::string_view* replacement) const;

  // The whole text through the rules, sentencepiece's way: at each position
  // the longest rule, else one UTF-8 character copied (an invalid byte
  // becomes U+FFFD). If to_orig is given it gets, per output byte, the
  // offset of the input character that produced it, plus one final entry
  // text.size(), so offsets survive normalization.
  void normalize(std::string_view text, std::string* out, std::vector<uint32_t>* to_orig) const;

  // Hugging Face tokenizers' "Precompiled" normalizer (spm_precompiled),
  // which differs from sentencepiece: text goes by extended grapheme
  // clusters; a cluster under 6 bytes is replaced whole if some rule matches
  // a prefix of it (the first, shortest rule: HF's transform()), otherwise
  // each of its characters is replaced by its first matching rule or kept.
  // Invalid UTF-8 bytes become U+FFFD. to_orig as for normalize().
  // changes, if given, gets HF's alignment edit per output character (what
  // its replace() records for NormalizedString::transform): 0 = takes the
  // next input character's place, 1 = inserted, -n = takes the next input
  // character's place and drops n more after it.
  void normalize_hf(std::string_view text, std::string* out, std::vector<uint32_t>* to_orig,
                    std::vector<int32_t>* changes = nullptr) const;
  // HF's transform(): the first (shortest) rule matching a prefix of text,
  // stopping at a NUL byte; returns its length or 0.
  size_t match_first(std::string_view text, std::string_view* replacement) const;

  bool empty() const { return units_.empty(); }

 private:
  // Walks the trie along text; calls on_match(length, value) per rule found
  // until it returns false. stop_at_nul: HF's search ends at a 0 byte.
  template <typename F>
  void prefix_search(std::string_view text, bool stop_at_nul, F on_match) const;
  std::string_view replacement_at(uint32_t value) const;

  std::vector<uint32_t> units_;  // the double array
  std::string strings_;          // the replacement strings, NUL-separated
};

}  // namespace pf
