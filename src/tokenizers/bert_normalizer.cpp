// tokenizer.json "BertNormalizer": clean_text, handle_chinese_chars,
// strip_accents (NFD, then drop nonspacing marks), lowercase. The four
// steps are defined one after another on the whole string; here they run
// in two passes over it, which give the same text and alignment:
//   1. clean_text + Chinese spacing, which look at one character at a time,
//      plus lowercasing ASCII (no later step treats an ASCII letter
//      differently by case: NFD leaves it, it is no mark, and upper and
//      lower case are both "cased" for the final-sigma rule);
//   2. only when non-ASCII text is left: NFD + mark stripping + lowercase
//      per normalization segment, with single ASCII bytes copied as they
//      are. Where a segment's result could depend on its neighbours (a
//      capital sigma, whose lowercase looks at the letters around it, or a
//      decomposition that starts with a combining mark, which canonical
//      ordering may move into the previous segment) the steps run one after
//      another on the whole string, as defined.
#include <utf8proc.h>

#include <array>
#include <nlohmann/json.hpp>

#include "tokenizers/json_util.h"
#include "tokenizers/normalizers.h"
#include "tokenizers/utf8_text.h"

namespace pf {

namespace {

using nlohmann::json;

enum AsciiAction : uint8_t { kKeep, kDrop, kSpace };

// clean_text's action on each ASCII byte, from the predicates the
// non-ASCII path uses.
const std::array<uint8_t, 128>& ascii_clean_actions() {
  static const std::array<uint8_t, 128> table = [] {
    std::array<uint8_t, 128> t{};
    for (int32_t c = 0; c < 128; ++c) {
      if (c == 0 || utf8::is_control(c)) t[(size_t)c] = kDrop;
      else if (utf8::is_whitespace(c)) t[(size_t)c] = kSpace;
      else t[(size_t)c] = kKeep;
    }
    return t;
  }();
  return table;
}

// full_lowercase's mapping of one code point other than capital sigma.
void push_lower(int32_t cp, Span span, NormalizedString* out) {
  if (cp < 0x80) {
    out->text.push_back((char)((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp));
    out->align.push_back(span);
  } else if (cp == 0x130) {  // İ lowercases to i + combining dot above
    out->push_char('i', span);
    out->push_char(0x307, span);
  } else {
    out->push_char(utf8::simple_lower(cp), span);
  }
}

class BertNormalizer : public Normalizer {
 public:
  explicit BertNormalizer(const json& j) {
    clean_text_ = json_bool(j, "clean_text", true, "BertNormalizer");
    chinese_ = json_bool(j, "handle_chinese_chars", true, "BertNormalizer");
    lowercase_ = json_bool(j, "lowercase", true, "BertNormalizer");
    const json* sa = json_find(j, "strip_accents");
    strip_accents_ = (sa && !sa->is_null()) ? json_bool(j, "strip_accents", false, "BertNormalizer")
                                            : lowercase_;
  }

  void normalize(NormalizedString* s) const override {
    const bool non_ascii = clean_and_space(s);
    if (!non_ascii || !(strip_accents_ || lowercase_)) return;
    NormalizedString out;
    if (per_segment(*s, &out)) {
      *s = std::move(out);
      return;
    }
    if (strip_accents_) {
      unicode_normalize(UnicodeForm::kNFD, s);
      strip_nonspacing_marks(s);
    }
    if (lowercase_) full_lowercase(s);
  }

 private:
  // Step 1 (see the top of the file) in place of *s; whether any non-ASCII
  // character is left.
  bool clean_and_space(NormalizedString* s) const {
    const std::array<uint8_t, 128>& actions = ascii_clean_actions();
    const std::string& in = s->text;
    const size_t n = in.size();
    // Written through pointers into buffers of the largest size the output
    // can reach (a 3-byte CJK character grows to 5 bytes), cut at the end.
    NormalizedString out;
    out.text.resize(n * 2);
    out.align.resize(n * 2);
    char* text = out.text.data();
    Span* align = out.align.data();
    size_t w = 0;
    bool non_ascii = false;
    for (size_t pos = 0; pos < n;) {
      const auto c = (unsigned char)in[pos];
      if (c < 0x80) {
        const uint8_t action = clean_text_ ? actions[c] : (uint8_t)kKeep;
        if (action != kDrop) {
          text[w] = action == kSpace ? ' ' : (char)((lowercase_ && c >= 'A' && c <= 'Z') ? c + 32 : c);
          align[w++] = s->align[pos];
        }
        ++pos;
        continue;
      }
      uint32_t len = 0;
      const int32_t cp = utf8::decode(in, pos, &len);
      const Span span = s->align[pos];
      bool copy = true;
      if (clean_text_) {
        if (cp == 0xFFFD || utf8::is_control(cp)) {
          copy = false;
        } else if (utf8::is_whitespace(cp)) {
          text[w] = ' ';
          align[w++] = span;
          copy = false;
        }
      }
      if (copy) {
        const bool spaced = chinese_ && utf8::is_cjk(cp);
        if (spaced) {
          text[w] = ' ';
          align[w++] = span;
        }
        for (uint32_t k = 0; k < len; ++k) {
          text[w] = in[pos + k];
          align[w++] = span;
        }
        if (spaced) {
          text[w] = ' ';
          align[w++] = span;
        }
        non_ascii = true;
      }
      pos += len;
    }
    out.text.resize(w);
    out.align.resize(w);
    *s = std::move(out);
    return non_ascii;
  }

  // Step 2 into *out; false where a segment depends on its neighbours (then
  // *out is unusable).
  bool per_segment(const NormalizedString& s, NormalizedString* out) const {
    const std::string& t = s.text;
    const size_t n = t.size();
    out->text.reserve(n + 16);
    out->align.reserve(n + 16);
    for (size_t pos = 0; pos < n;) {
      const auto c = (unsigned char)t[pos];
      // An ASCII byte followed by ASCII (or nothing) is a segment of its
      // own that no step changes any more.
      if (c < 0x80 && (pos + 1 == n || (unsigned char)t[pos + 1] < 0x80)) {
        out->text.push_back((char)c);
        out->align.push_back(s.align[pos]);
        ++pos;
        continue;
      }
      uint32_t len = 0;
      utf8::decode(t, pos, &len);
      size_t end = pos + len;
      if (strip_accents_) {
        while (end < n) {
          const int32_t next = utf8::decode(t, end, &len);
          if (starts_segment(next)) break;
          end += len;
        }
      }
      const std::string_view seg(t.data() + pos, end - pos);
      std::string decomposed;
      std::string_view chars = seg;
      bool coarse = false;  // every output character takes the segment's span
      if (strip_accents_ && !unchanged_alone(seg)) {
        decomposed = utf8proc_normalize(seg, UnicodeForm::kNFD);
        if (decomposed != seg) {
          uint32_t l = 0;
          const int32_t first = utf8::decode(decomposed, 0, &l);
          if (pos > 0 && utf8proc_get_property(first)->combining_class != 0) return false;
          chars = decomposed;
          coarse = true;
        }
      }
      const Span seg_span = coarse ? s.original_span(pos, end) : Span{};
      for (size_t p = 0; p < chars.size();) {
        uint32_t l = 0;
        const int32_t cp = utf8::decode(chars, p, &l);
        const Span span = coarse ? seg_span : s.align[pos + p];
        p += l;
        if (strip_accents_ && utf8proc_category(cp) == UTF8PROC_CATEGORY_MN) continue;
        if (!lowercase_) {
          out->push_char(cp, span);
        } else if (cp == 0x3A3) {
          return false;
        } else {
          push_lower(cp, span, out);
        }
      }
      pos = end;
    }
    return true;
  }

  bool clean_text_, chinese_, lowercase_, strip_accents_;
};

}  // namespace

std::unique_ptr<Normalizer> make_bert_normalizer(const json& config) {
  return std::make_unique<BertNormalizer>(config);
}

}  // namespace pf
