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

  bool empty() const { return units_.empty(); }

 private:
  std::vector<uint32_t> units_;  // the double array
  std::string strings_;          // the replacement strings, NUL-separated
};

}  // namespace pf
