#include "tokenizers/normalizers.h"

#include <utf8proc.h>

#include <vector>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/json_util.h"
#include "tokenizers/precompiled_charsmap.h"
#include "tokenizers/regex.h"
#include "tokenizers/utf8_text.h"

namespace pf {

namespace {

using nlohmann::json;

// Rebuilds s by mapping each code point (with its span) to zero or more
// code points through fn(cp, span, out).
template <typename Fn>
void map_chars(NormalizedString* s, Fn fn) {
  NormalizedString out;
  out.text.reserve(s->text.size());
  out.align.reserve(s->text.size());
  for (size_t pos = 0; pos < s->text.size();) {
    uint32_t len = 0;
    const int32_t cp = utf8::decode(s->text, pos, &len);
    fn(cp, s->align[pos], &out);
    pos += len;
  }
  *s = std::move(out);
}

}  // namespace

std::string utf8proc_normalize(std::string_view text, UnicodeForm form) {
  int options = UTF8PROC_STABLE;
  switch (form) {
    case UnicodeForm::kNFC: options |= UTF8PROC_COMPOSE; break;
    case UnicodeForm::kNFD: options |= UTF8PROC_DECOMPOSE; break;
    case UnicodeForm::kNFKC: options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT; break;
    case UnicodeForm::kNFKD: options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT; break;
  }
  // utf8proc_map would size its buffer by decomposing into a null pointer
  // (undefined behaviour UBSan reports), so decompose into our own buffer,
  // growing it once if needed, then compose / re-encode in place.
  const auto* src = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::vector<utf8proc_int32_t> buf(text.size() + 16);
  utf8proc_ssize_t n = utf8proc_decompose(src, (utf8proc_ssize_t)text.size(), buf.data(),
                                          (utf8proc_ssize_t)buf.size(), (utf8proc_option_t)options);
  if (n >= 0 && (size_t)n > buf.size()) {
    buf.resize((size_t)n);
    n = utf8proc_decompose(src, (utf8proc_ssize_t)text.size(), buf.data(), (utf8proc_ssize_t)buf.size(),
                           (utf8proc_option_t)options);
  }
  if (n < 0) return std::string(text);  // cannot happen on the valid UTF-8 we hold
  buf.resize((size_t)n + 1);  // re-encoding writes a terminating NUL byte
  const utf8proc_ssize_t bytes = utf8proc_reencode(buf.data(), n, (utf8proc_option_t)options);
  if (bytes < 0) return std::string(text);
  return std::string(reinterpret_cast<const char*>(buf.data()), (size_t)bytes);
}

bool starts_segment(int32_t cp) {
  // Hangul vowel/trailing jamo compose with the syllable before them.
  if (cp >= 0x1161 && cp <= 0x11C2) return false;
  return utf8proc_get_property(cp)->combining_class == 0;
}

// One code point that every normalization form leaves as it is: ASCII, or
// a character without a decomposition mapping (canonical or compatibility)
// that is not a Hangul syllable (decomposed algorithmically). Alone in its
// segment, nothing can compose with it or reorder around it.
bool unchanged_alone(std::string_view seg) {
  if (seg.size() == 1) return true;  // ASCII (lead bytes of longer characters never stand alone)
  uint32_t len = 0;
  const int32_t cp = utf8::decode(seg, 0, &len);
  if (len != seg.size()) return false;
  if (cp >= 0xAC00 && cp <= 0xD7A3) return false;
  return utf8proc_get_property(cp)->decomp_seqindex == UINT16_MAX;
}

namespace {

bool is_cased(int32_t cp) {
  const auto c = utf8proc_category(cp);
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT;
}

bool is_case_ignorable(int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      break;
  }
  switch (cp) {  // Word_Break MidLetter / MidNumLet / Single_Quote
    case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x5F4: case 0x2018:
    case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55:
    case 0xFF07: case 0xFF0E: case 0xFF1A:
      return true;
    default:
      return false;
  }
}

class UnicodeNormalizer : public Normalizer {
 public:
  explicit UnicodeNormalizer(UnicodeForm form) : form_(form) {}
  void normalize(NormalizedString* s) const override { unicode_normalize(form_, s); }

 private:
  UnicodeForm form_;
};

class LowercaseNormalizer : public Normalizer {
 public:
  void normalize(NormalizedString* s) const override { full_lowercase(s); }
};

class StripAccentsNormalizer : public Normalizer {
 public:
  void normalize(NormalizedString* s) const override { strip_marks(s); }
};

class StripNormalizer : public Normalizer {
 public:
  explicit StripNormalizer(const json& j)
      : left_(json_bool(j, "strip_left", true, "Strip")),
        right_(json_bool(j, "strip_right", true, "Strip")) {}
  void normalize(NormalizedString* s) const override {
    size_t begin = 0, end = s->text.size();
    if (left_) {
      while (begin < end) {
        uint32_t len = 0;
        if (!utf8::is_whitespace(utf8::decode(s->text, begin, &len))) break;
        begin += len;
      }
    }
    if (right_) {
      while (end > begin) {
        size_t start = end - 1;
        while (start > begin && utf8::is_continuation((unsigned char)s->text[start])) --start;
        uint32_t len = 0;
        if (!utf8::is_whitespace(utf8::decode(s->text, start, &len))) break;
        end = start;
      }
    }
    if (begin != 0 || end != s->text.size()) *s = s->slice(begin, end);
  }

 private:
  bool left_, right_;
};

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(const json& j) : prepend_(json_string(j, "prepend", "Prepend")) {}
  void normalize(NormalizedString* s) const override {
    if (s->text.empty()) return;
    NormalizedString out;
    // As tokenizers' NormalizedString::prepend: the added text shares the
    // first character's span.
    out.push_bytes(prepend_, s->align[0]);
    out.text += s->text;
    out.align.insert(out.align.end(), s->align.begin(), s->align.end());
    *s = std::move(out);
  }

 private:
  std::string prepend_;
};

class ReplaceNormalizer : public Normalizer {
 public:
  explicit ReplaceNormalizer(const json& j)
      : pattern_(Pattern::from_json(json_at(j, "pattern", "Replace"), "Replace")),
        content_(json_string(j, "content", "Replace")) {}
  void normalize(NormalizedString* s) const override {
    std::vector<Span> matches = pattern_.find_all(s->text);
    if (matches.empty()) return;
    NormalizedString out;
    size_t pos = 0;
    for (const Span& m : matches) {
      out.text.append(s->text, pos, m.begin - pos);
      out.align.insert(out.align.end(), s->align.begin() + pos, s->align.begin() + m.begin);
      // As tokenizers' NormalizedString::replace: the match is removed and
      // the content inserted after it, so it takes the span of the match's
      // last character (an empty match: the position before it).
      out.push_bytes(content_, m.end > m.begin ? s->align[m.end - 1] : s->original_span(m.begin, m.end));
      pos = m.end;
    }
    out.text.append(s->text, pos, std::string::npos);
    out.align.insert(out.align.end(), s->align.begin() + pos, s->align.end());
    *s = std::move(out);
  }

 private:
  Pattern pattern_;
  std::string content_;
};

// SentencePiece's charsmap rules as Hugging Face applies them
// (PrecompiledCharsmap::normalize_hf), with offsets following HF's
// NormalizedString::transform: a character that takes an input character's
// place keeps that character's span, an inserted one the span of the input
// character before it, and dropped characters lose theirs.
class PrecompiledNormalizer : public Normalizer {
 public:
  // A missing, null or empty charsmap is malformed, as tokenizers reads it.
  explicit PrecompiledNormalizer(const json& j) {
    const std::string bytes = json_base64(j, "precompiled_charsmap", "Precompiled");
    map_ = PrecompiledCharsmap::parse(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  void normalize(NormalizedString* s) const override {
    if (map_.empty() || s->text.empty()) return;
    std::string text;
    std::vector<int32_t> changes;
    map_.normalize_hf(s->text, &text, nullptr, &changes);
    if (text == s->text) return;  // HF leaves an unmodified string (and its alignment) alone
    std::vector<Span> in_spans;  // one per input character (s->text is valid UTF-8)
    for (size_t pos = 0; pos < s->text.size();) {
      uint32_t len = 0;
      utf8::decode(s->text, pos, &len);
      in_spans.push_back(s->align[pos]);
      pos += len;
    }
    const Span start{s->align[0].begin, s->align[0].begin};
    NormalizedString out;
    size_t next = 0;  // the next input character to take a place from
    size_t k = 0;     // output character index
    for (size_t pos = 0; pos < text.size(); ++k) {
      uint32_t len = 0;
      utf8::decode(text, pos, &len);
      const int32_t change = k < changes.size() ? changes[k] : 0;
      Span span;
      if (change > 0) {
        span = next > 0 ? in_spans[std::min(next, in_spans.size()) - 1] : start;
      } else {
        span = next < in_spans.size() ? in_spans[next]
                                      : Span{in_spans.back().end, in_spans.back().end};
        next += 1 + (size_t)(-change);
      }
      out.push_bytes(std::string_view(text).substr(pos, len), span);
      pos += len;
    }
    *s = std::move(out);
  }

 private:
  PrecompiledCharsmap map_;
};

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(const json& j) {
    const json& list = json_at(j, "normalizers", "normalizer Sequence");
    if (!list.is_array()) fail(ErrorCode::kCorruptModel, "normalizer Sequence: 'normalizers' is not a list");
    for (const json& item : list) {
      auto n = make_normalizer(item);
      if (n) parts_.push_back(std::move(n));
    }
  }
  void normalize(NormalizedString* s) const override {
    for (const auto& n : parts_) n->normalize(s);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

void unicode_normalize(UnicodeForm form, NormalizedString* s) {
  bool ascii = true;
  for (char c : s->text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return;  // ASCII is invariant under every normalization form
  // Normalize segment by segment (a starter plus the marks after it) so each
  // output character keeps the span of the segment it came from.
  NormalizedString out;
  out.text.reserve(s->text.size());
  out.align.reserve(s->text.size());
  size_t seg_begin = 0;
  // Whether every segment so far was one code point that no form changes.
  bool all_unchanged = true;
  auto flush = [&](size_t seg_end) {
    if (seg_end == seg_begin) return;
    std::string_view seg(s->text.data() + seg_begin, seg_end - seg_begin);
    if (unchanged_alone(seg)) {  // most text: skip utf8proc and its allocations
      out.text.append(seg);
      out.align.insert(out.align.end(), s->align.begin() + seg_begin, s->align.begin() + seg_end);
      seg_begin = seg_end;
      return;
    }
    all_unchanged = false;
    std::string normalized = utf8proc_normalize(seg, form);
    if (normalized == seg) {
      out.text.append(seg);
      out.align.insert(out.align.end(), s->align.begin() + seg_begin, s->align.begin() + seg_end);
    } else {
      out.push_bytes(normalized, s->original_span(seg_begin, seg_end));
    }
    seg_begin = seg_end;
  };
  for (size_t pos = 0; pos < s->text.size();) {
    uint32_t len = 0;
    const int32_t cp = utf8::decode(s->text, pos, &len);
    if (pos > 0 && starts_segment(cp)) flush(pos);
    pos += len;
  }
  flush(s->text.size());
  // Decomposition only reorders runs of marks, and a text of lone unchanged
  // code points has none between segments; composition (NFC / NFKC) can
  // still join two starters (Kannada U+0CC6 U+0CC2), so check it there.
  const bool decomposing = form == UnicodeForm::kNFD || form == UnicodeForm::kNFKD;
  if (decomposing && all_unchanged) {
    *s = std::move(out);
    return;
  }
  const std::string whole = utf8proc_normalize(s->text, form);
  if (out.text != whole) {
    // A composition crossed a segment boundary: keep the exact text and
    // give every byte the whole string's span.
    NormalizedString coarse;
    coarse.push_bytes(whole, s->original_span(0, s->text.size()));
    out = std::move(coarse);
  }
  *s = std::move(out);
}

void strip_marks(NormalizedString* s) {
  map_chars(s, [](int32_t cp, Span span, NormalizedString* out) {
    if (!utf8::is_mark(cp)) out->push_char(cp, span);
  });
}

void strip_nonspacing_marks(NormalizedString* s) {
  map_chars(s, [](int32_t cp, Span span, NormalizedString* out) {
    if (utf8proc_category(cp) != UTF8PROC_CATEGORY_MN) out->push_char(cp, span);
  });
}

void full_lowercase(NormalizedString* s) {
  const std::string& t = s->text;
  NormalizedString out;
  out.text.reserve(t.size());
  out.align.reserve(t.size());
  for (size_t pos = 0; pos < t.size();) {
    uint32_t len = 0;
    const int32_t cp = utf8::decode(t, pos, &len);
    const Span span = s->align[pos];
    if (cp < 0x80) {
      out.text.push_back((char)((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp));
      out.align.push_back(span);
    } else if (cp == 0x130) {  // İ lowercases to i + combining dot above
      out.push_char('i', span);
      out.push_char(0x307, span);
    } else if (cp == 0x3A3) {
      // Final sigma: preceded by a cased letter and not followed by one
      // (case-ignorable characters skipped both ways).
      bool before = false, after = false;
      for (size_t p = pos; p > 0;) {
        size_t q = p - 1;
        while (q > 0 && utf8::is_continuation((unsigned char)t[q])) --q;
        uint32_t l = 0;
        const int32_t c = utf8::decode(t, q, &l);
        p = q;
        if (is_case_ignorable(c)) continue;
        before = is_cased(c);
        break;
      }
      for (size_t p = pos + len; p < t.size();) {
        uint32_t l = 0;
        const int32_t c = utf8::decode(t, p, &l);
        p += l;
        if (is_case_ignorable(c)) continue;
        after = is_cased(c);
        break;
      }
      out.push_char(before && !after ? 0x3C2 : 0x3C3, span);
    } else {
      out.push_char(utf8::simple_lower(cp), span);
    }
    pos += len;
  }
  *s = std::move(out);
}

std::unique_ptr<Normalizer> make_normalizer(const json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = json_type(j, "normalizer");
  if (type == "BertNormalizer") return make_bert_normalizer(j);
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(UnicodeForm::kNFC);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(UnicodeForm::kNFD);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(UnicodeForm::kNFKC);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(UnicodeForm::kNFKD);
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
  if (type == "Strip") return std::make_unique<StripNormalizer>(j);
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(j);
  if (type == "Replace") return std::make_unique<ReplaceNormalizer>(j);
  if (type == "Sequence") return std::make_unique<SequenceNormalizer>(j);
  if (type == "Precompiled") return std::make_unique<PrecompiledNormalizer>(j);
  fail(ErrorCode::kUnsupported, "tokenizer.json: unknown normalizer type '" + type + "'");
}

}  // namespace pf
