// UTF-8 helpers shared by the tokenizer.json pipeline: lenient decoding
// (every invalid byte becomes one U+FFFD, so any input is usable), encoding,
// Unicode classes from utf8proc, and GPT-2's byte <-> printable-char table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pf::utf8 {

// Decodes the code point at text[pos]; sets *len to the bytes consumed (>= 1).
// An invalid or truncated sequence yields U+FFFD with *len = 1.
int32_t decode(std::string_view text, size_t pos, uint32_t* len);
void append(int32_t cp, std::string* out);
// Bytes -> valid UTF-8, each maximal invalid subpart replaced by one U+FFFD
// (the WHATWG / Rust from_utf8_lossy rule, so decode output matches both).
std::string decode_lossy(std::string_view bytes);
inline bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

bool is_letter(int32_t cp);       // \p{L}
bool is_number(int32_t cp);       // \p{N}
bool is_mark(int32_t cp);         // \p{M}
bool is_whitespace(int32_t cp);   // Unicode White_Space, what Oniguruma's \s and Rust's char::is_whitespace use
bool is_punctuation(int32_t cp);  // \p{P}
bool is_bert_punctuation(int32_t cp);  // ASCII symbols + \p{P}
bool is_control(int32_t cp);      // BERT's notion: Cc/Cf/Cn/Co/Cs except \t \n \r
bool is_cjk(int32_t cp);
int32_t simple_lower(int32_t cp);
int32_t simple_upper(int32_t cp);

// GPT-2's reversible byte -> printable code point map, and its inverse
// (-1 for code points that are not in the map).
int32_t byte_to_char(uint8_t b);
int byte_from_char(int32_t cp);
// UTF-8 of byte_to_char(b), precomputed.
const std::string& byte_char_utf8(uint8_t b);

}  // namespace pf::utf8
