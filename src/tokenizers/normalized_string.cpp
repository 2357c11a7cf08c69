#include "tokenizers/normalized_string.h"

#include <algorithm>
#include <cstddef>

#include "tokenizers/utf8_text.h"

namespace pf {

NormalizedString NormalizedString::from_original(std::string_view original, uint32_t begin,
                                                 uint32_t end) {
  NormalizedString s;
  s.text.reserve(end - begin);
  s.align.reserve(end - begin);
  for (uint32_t pos = begin; pos < end;) {
    if ((unsigned char)original[pos] < 0x80) {  // most text: one byte, one character
      s.text.push_back(original[pos]);
      s.align.push_back({pos, pos + 1});
      ++pos;
      continue;
    }
    uint32_t len = 0;
    const int32_t cp = utf8::decode(original.substr(0, end), pos, &len);
    if (cp == 0xFFFD && len == 1) {
      s.push_char(cp, {pos, pos + 1});
    } else {
      s.push_bytes(original.substr(pos, len), {pos, pos + len});
    }
    pos += len;
  }
  return s;
}

void NormalizedString::push_char(int32_t cp, Span from) {
  const size_t before = text.size();
  utf8::append(cp, &text);
  align.insert(align.end(), text.size() - before, from);
}

void NormalizedString::push_bytes(std::string_view bytes, Span from) {
  text.append(bytes);
  align.insert(align.end(), bytes.size(), from);
}

NormalizedString NormalizedString::slice(size_t begin, size_t end) const {
  NormalizedString s;
  s.text.assign(text, begin, end - begin);
  s.align.assign(align.begin() + (std::ptrdiff_t)begin, align.begin() + (std::ptrdiff_t)end);
  return s;
}

Span NormalizedString::original_span(size_t begin, size_t end) const {
  if (begin >= end || begin >= align.size()) {
    if (align.empty()) return {0, 0};
    const uint32_t at = begin == 0 ? align[0].begin : align[std::min(begin, align.size()) - 1].end;
    return {at, at};
  }
  end = std::min(end, align.size());
  Span span = align[begin];
  for (size_t i = begin + 1; i < end; ++i) {
    span.begin = std::min(span.begin, align[i].begin);
    span.end = std::max(span.end, align[i].end);
  }
  return span;
}

}  // namespace pf
