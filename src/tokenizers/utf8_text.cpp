#include "tokenizers/utf8_text.h"

#include <utf8proc.h>

#include <array>

namespace pf::utf8 {

int32_t decode(std::string_view text, size_t pos, uint32_t* len) {
  const auto c0 = static_cast<unsigned char>(text[pos]);
  if (c0 < 0x80) {
    *len = 1;
    return c0;
  }
  utf8proc_int32_t cp = -1;
  const utf8proc_ssize_t n = utf8proc_iterate(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
      (utf8proc_ssize_t)(text.size() - pos), &cp);
  if (n <= 0 || cp < 0) {
    *len = 1;
    return 0xFFFD;
  }
  *len = (uint32_t)n;
  return cp;
}

void append(int32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back((char)cp);
    return;
  }
  utf8proc_uint8_t buf[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
  out->append(reinterpret_cast<const char*>(buf), (size_t)n);
}

std::string decode_lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) {
      out.push_back((char)b);
      ++i;
      continue;
    }
    int need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) need = 1;
    else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    size_t j = i + 1;
    int got = 0;
    while (got < need && j < n) {
      const auto c = static_cast<unsigned char>(bytes[j]);
      if (c < lo || c > hi) break;
      lo = 0x80;
      hi = 0xBF;
      ++j;
      ++got;
    }
    if (got == need) out.append(bytes.substr(i, j - i));
    else out += "\xEF\xBF\xBD";
    i = j;
  }
  return out;
}

namespace {
utf8proc_category_t cat(int32_t cp) { return utf8proc_category(cp); }
}  // namespace

bool is_letter(int32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  const auto c = cat(cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

bool is_number(int32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  const auto c = cat(cp);
  return c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO;
}

bool is_mark(int32_t cp) {
  if (cp < 0x300) return false;  // the first combining marks start at U+0300
  const auto c = cat(cp);
  return c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
}

bool is_whitespace(int32_t cp) {
  // The Unicode White_Space property (not a category, so listed).
  switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool is_punctuation(int32_t cp) {
  if (cp < 0x80) {  // ASCII's P* characters; $ + < = > ^ ` | ~ are symbols (S*)
    switch (cp) {
      case '!': case '"': case '#': case '%': case '&': case '\'': case '(': case ')': case '*':
      case ',': case '-': case '.': case '/': case ':': case ';': case '?': case '@': case '[':
      case '\\': case ']': case '_': case '{': case '}':
        return true;
      default:
        return false;
    }
  }
  const auto c = cat(cp);
  return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
}

bool is_bert_punctuation(int32_t cp) {
  // BERT treats every non-alphanumeric ASCII symbol as punctuation, even
  // those Unicode classes as symbols ($, ^, `).
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
      (cp >= 123 && cp <= 126)) {
    return true;
  }
  return is_punctuation(cp);
}

bool is_control(int32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  if (cp < 0x80) return cp < 0x20 || cp == 0x7F;  // ASCII's Cc; it has no Cf/Cn/Co/Cs
  switch (cat(cp)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CS:
      return true;
    default:
      return false;
  }
}

bool is_cjk(int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

int32_t simple_lower(int32_t cp) { return utf8proc_tolower(cp); }
int32_t simple_upper(int32_t cp) { return utf8proc_toupper(cp); }

namespace {

struct ByteTables {
  std::array<int32_t, 256> to_char{};
  std::array<std::string, 256> to_utf8;
  ByteTables() {
    // Printable Latin-1 bytes map to themselves; the rest (controls, space,
    // 0x7F-0xA0, 0xAD) take code points 256, 257, ... in byte order.
    int next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      to_char[(size_t)b] = printable ? b : next++;
      append(to_char[(size_t)b], &to_utf8[(size_t)b]);
    }
  }
};

const ByteTables& tables() {
  static const ByteTables t;
  return t;
}

}  // namespace

int32_t byte_to_char(uint8_t b) { return tables().to_char[b]; }
const std::string& byte_char_utf8(uint8_t b) { return tables().to_utf8[b]; }

int byte_from_char(int32_t cp) {
  if (cp < 0 || cp > 0x143) return -1;
  if ((cp >= '!' && cp <= '~') || (cp >= 0xA1 && cp <= 0xAC) || (cp >= 0xAE && cp <= 0xFF)) return cp;
  if (cp < 256) return -1;
  static const auto inverse = [] {
    std::array<int, 68> inv{};
    for (int b = 0; b < 256; ++b) {
      const int32_t c = tables().to_char[(size_t)b];
      if (c >= 256) inv[(size_t)(c - 256)] = b;
    }
    return inv;
  }();
  return inverse[(size_t)(cp - 256)];
}

}  // namespace pf::utf8
