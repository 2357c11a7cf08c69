// The character classes tokenizers use (src/tokenizers/utf8_text): their
// ASCII / low-code-point shortcuts must say what utf8proc's Unicode
// categories say, for every code point the shortcuts cover.
#include <catch2/catch.hpp>

#include <utf8proc.h>

#include "tokenizers/utf8_text.h"

namespace {

bool category_in(int32_t cp, std::initializer_list<utf8proc_category_t> cats) {
  const utf8proc_category_t c = utf8proc_category(cp);
  for (utf8proc_category_t x : cats) {
    if (c == x) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("character classes agree with utf8proc's categories below U+0300", "[utf8]") {
  for (int32_t cp = 0; cp < 0x300; ++cp) {
    INFO("U+" << std::hex << cp);
    CHECK(pf::utf8::is_punctuation(cp) ==
          category_in(cp, {UTF8PROC_CATEGORY_PC, UTF8PROC_CATEGORY_PD, UTF8PROC_CATEGORY_PS,
                           UTF8PROC_CATEGORY_PE, UTF8PROC_CATEGORY_PI, UTF8PROC_CATEGORY_PF,
                           UTF8PROC_CATEGORY_PO}));
    CHECK(pf::utf8::is_mark(cp) ==
          category_in(cp, {UTF8PROC_CATEGORY_MN, UTF8PROC_CATEGORY_MC, UTF8PROC_CATEGORY_ME}));
    const bool control = cp != '\t' && cp != '\n' && cp != '\r' &&
                         category_in(cp, {UTF8PROC_CATEGORY_CC, UTF8PROC_CATEGORY_CF, UTF8PROC_CATEGORY_CN,
                                          UTF8PROC_CATEGORY_CO, UTF8PROC_CATEGORY_CS});
    CHECK(pf::utf8::is_control(cp) == control);
    // BERT's punctuation: Unicode punctuation plus every ASCII symbol.
    const bool ascii_symbol = cp < 0x80 && cp > 0x20 && cp != 0x7F &&
                              !((cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'));
    CHECK(pf::utf8::is_bert_punctuation(cp) == (ascii_symbol || pf::utf8::is_punctuation(cp)));
  }
}
