// Text moving through the tokenizer pipeline together with where each of its
// bytes came from in the caller's original string, so every token can report
// character offsets into the original even after normalization (NFKC,
// lowercase, BERT cleanup), splitting and byte-level remapping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct NormalizedString {
  std::string text;
  // One entry per byte of text: the original byte range it derives from.
  // All bytes of one code point share the same span.
  std::vector<Span> align;

  // Valid UTF-8 copy of original[begin, end) (invalid bytes become U+FFFD,
  // each aligned to the byte it replaces).
  static NormalizedString from_original(std::string_view original, uint32_t begin, uint32_t end);

  void push_char(int32_t cp, Span from);
  void push_bytes(std::string_view bytes, Span from);
  NormalizedString slice(size_t begin, size_t end) const;
  // Original range covered by text[begin, end); an empty range maps to the
  // position just after the preceding byte.
  Span original_span(size_t begin, size_t end) const;
  bool empty() const { return text.empty(); }
};

}  // namespace pf
