#include "tokenizers/pre_tokenizers.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/json_util.h"
#include "tokenizers/regex.h"
#include "tokenizers/utf8_text.h"

namespace pf {

namespace {

using nlohmann::json;

constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Each code point satisfying pred is one match.
template <typename Pred>
std::vector<Span> char_matches(const std::string& text, Pred pred) {
  std::vector<Span> m;
  for (size_t pos = 0; pos < text.size();) {
    uint32_t len = 0;
    const int32_t cp = utf8::decode(text, pos, &len);
    if (pred(cp)) m.push_back({(uint32_t)pos, (uint32_t)(pos + len)});
    pos += len;
  }
  return m;
}

SplitBehavior parse_behavior(const json& j, const std::string& ctx, SplitBehavior fallback) {
  const json* b = json_find(j, "behavior");
  if (!b || b->is_null()) return fallback;
  if (!b->is_string()) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + ".behavior is not a string");
  const std::string s = b->get<std::string>();
  if (s == "Removed") return SplitBehavior::kRemoved;
  if (s == "Isolated") return SplitBehavior::kIsolated;
  if (s == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (s == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (s == "Contiguous") return SplitBehavior::kContiguous;
  fail(ErrorCode::kUnsupported, "tokenizer.json: " + ctx + ": unknown split behavior '" + s + "'");
}

class BertPreTokenizer : public PreTokenizer {
 public:
  // Whitespace removed, each punctuation character alone: split_ranges'
  // cuts, as pieces.
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    std::vector<NormalizedString> out;
    std::vector<Span> ranges;
    for (const auto& p : *pieces) {
      split_ranges(p.text, &ranges);
      for (const Span& r : ranges) out.push_back(p.slice(r.begin, r.end));
    }
    *pieces = std::move(out);
  }
  bool split_ranges(std::string_view text, std::vector<Span>* ranges) const override {
    static const std::array<uint8_t, 128> ascii = [] {  // 1 whitespace, 2 punctuation
      std::array<uint8_t, 128> t{};
      for (int32_t c = 0; c < 128; ++c) t[(size_t)c] = utf8::is_whitespace(c) ? 1 : utf8::is_bert_punctuation(c) ? 2 : 0;
      return t;
    }();
    ranges->clear();
    uint32_t word = 0;  // start of the current word
    const uint32_t n = (uint32_t)text.size();
    for (uint32_t pos = 0; pos < n;) {
      const auto c = (unsigned char)text[pos];
      uint32_t len = 1;
      uint8_t kind;
      if (c < 0x80) {
        kind = ascii[c];
      } else {
        const int32_t cp = utf8::decode(text, pos, &len);
        kind = utf8::is_whitespace(cp) ? 1 : utf8::is_bert_punctuation(cp) ? 2 : 0;
      }
      if (kind != 0) {
        if (pos > word) ranges->push_back({word, pos});
        if (kind == 2) ranges->push_back({pos, pos + len});
        word = pos + len;
      }
      pos += len;
    }
    if (n > word) ranges->push_back({word, n});
    return true;
  }
};

class WhitespaceSplitPreTokenizer : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    std::vector<NormalizedString> out;
    for (const auto& p : *pieces) {
      split_piece(p, char_matches(p.text, utf8::is_whitespace), SplitBehavior::kRemoved, false, &out);
    }
    *pieces = std::move(out);
  }
};

class RegexSplitPreTokenizer : public PreTokenizer {
 public:
  RegexSplitPreTokenizer(Pattern pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    std::vector<NormalizedString> out;
    for (const auto& p : *pieces) split_piece(p, pattern_.find_all(p.text), behavior_, invert_, &out);
    *pieces = std::move(out);
  }

 private:
  Pattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

Pattern regex_pattern(const char* re) {
  json j;
  j["Regex"] = re;
  return Pattern::from_json(j, "pre_tokenizer");
}

class PunctuationPreTokenizer : public PreTokenizer {
 public:
  explicit PunctuationPreTokenizer(SplitBehavior b) : behavior_(b) {}
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    std::vector<NormalizedString> out;
    for (const auto& p : *pieces) {
      split_piece(p, char_matches(p.text, utf8::is_bert_punctuation), behavior_, false, &out);
    }
    *pieces = std::move(out);
  }

 private:
  SplitBehavior behavior_;
};

class DigitsPreTokenizer : public PreTokenizer {
 public:
  explicit DigitsPreTokenizer(bool individual) : individual_(individual) {}
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    std::vector<NormalizedString> out;
    for (const auto& p : *pieces) {
      split_piece(p, char_matches(p.text, utf8::is_number),
                  individual_ ? SplitBehavior::kIsolated : SplitBehavior::kContiguous, false, &out);
    }
    *pieces = std::move(out);
  }

 private:
  bool individual_;
};

class CharDelimiterPreTokenizer : public PreTokenizer {
 public:
  explicit CharDelimiterPreTokenizer(int32_t delimiter) : delimiter_(delimiter) {}
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    std::vector<NormalizedString> out;
    for (const auto& p : *pieces) {
      split_piece(p, char_matches(p.text, [&](int32_t cp) { return cp == delimiter_; }),
                  SplitBehavior::kRemoved, false, &out);
    }
    *pieces = std::move(out);
  }

 private:
  int32_t delimiter_;
};

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  explicit ByteLevelPreTokenizer(const json& j)
      : add_prefix_space_(json_bool(j, "add_prefix_space", true, "ByteLevel")),
        use_regex_(json_bool(j, "use_regex", true, "ByteLevel")),
        regex_(kGpt2Pattern) {}
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    std::vector<NormalizedString> split;
    for (auto& p : *pieces) {
      if (add_prefix_space_ && !p.text.empty() && p.text[0] != ' ') {
        NormalizedString q;
        q.push_char(' ', {p.align[0].begin, p.align[0].begin});
        q.text += p.text;
        q.align.insert(q.align.end(), p.align.begin(), p.align.end());
        p = std::move(q);
      }
      if (use_regex_) {
        split_piece(p, regex_.find_all(p.text), SplitBehavior::kIsolated, false, &split);
      } else if (!p.text.empty()) {
        split.push_back(std::move(p));
      }
    }
    pieces->clear();
    for (const auto& s : split) pieces->push_back(byte_level_map(s));
  }

 private:
  bool add_prefix_space_, use_regex_;
  Regex regex_;
};

class MetaspacePreTokenizer : public PreTokenizer {
 public:
  explicit MetaspacePreTokenizer(const json& j) {
    const std::string rep = json_string_or(j, "replacement", "\u2581", "Metaspace");
    uint32_t len = 0;
    if (rep.empty() || (replacement_ = utf8::decode(rep, 0, &len), len != rep.size())) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json: Metaspace.replacement must be one character");
    }
    replacement_utf8_ = rep;
    split_ = json_bool(j, "split", true, "Metaspace");
    const std::string scheme = json_string_or(j, "prepend_scheme", "", "Metaspace");
    if (scheme.empty()) {
      prepend_ = json_bool(j, "add_prefix_space", true, "Metaspace") ? 'a' : 'n';
    } else if (scheme == "always") {
      prepend_ = 'a';
    } else if (scheme == "first") {
      prepend_ = 'f';
    } else if (scheme == "never") {
      prepend_ = 'n';
    } else {
      fail(ErrorCode::kUnsupported, "tokenizer.json: Metaspace.prepend_scheme '" + scheme + "'");
    }
  }
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    std::vector<NormalizedString> out;
    for (const auto& p : *pieces) {
      if (p.text.empty()) continue;
      NormalizedString q;
      const bool prepend = (prepend_ == 'a' || (prepend_ == 'f' && p.align[0].begin == 0));
      // The check is on the text after ' ' -> replacement.
      const bool starts_with_rep =
          p.text[0] == ' ' || p.text.compare(0, replacement_utf8_.size(), replacement_utf8_) == 0;
      // As tokenizers' NormalizedString::prepend: the added character shares
      // the first character's span.
      if (prepend && !starts_with_rep) q.push_bytes(replacement_utf8_, p.align[0]);
      for (size_t i = 0; i < p.text.size(); ++i) {
        if (p.text[i] == ' ') q.push_bytes(replacement_utf8_, p.align[i]);
        else {
          q.text.push_back(p.text[i]);
          q.align.push_back(p.align[i]);
        }
      }
      if (split_) {
        std::vector<Span> m;
        for (size_t pos = q.text.find(replacement_utf8_); pos != std::string::npos;
             pos = q.text.find(replacement_utf8_, pos + replacement_utf8_.size())) {
          m.push_back({(uint32_t)pos, (uint32_t)(pos + replacement_utf8_.size())});
        }
        split_piece(q, m, SplitBehavior::kMergedWithNext, false, &out);
      } else {
        out.push_back(std::move(q));
      }
    }
    *pieces = std::move(out);
  }

 private:
  int32_t replacement_ = 0x2581;
  std::string replacement_utf8_;
  bool split_ = true;
  char prepend_ = 'a';
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(const json& j) {
    const json& list = json_at(j, "pretokenizers", "pre_tokenizer Sequence");
    if (!list.is_array()) fail(ErrorCode::kCorruptModel, "tokenizer.json: pre_tokenizer Sequence.pretokenizers is not a list");
    for (const json& item : list) {
      auto p = make_pre_tokenizer(item);
      if (p) parts_.push_back(std::move(p));
    }
  }
  void pre_tokenize(std::vector<NormalizedString>* pieces) const override {
    for (const auto& p : parts_) p->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

}  // namespace

void split_piece(const NormalizedString& piece, const std::vector<Span>& matches,
                 SplitBehavior behavior, bool invert, std::vector<NormalizedString>* out) {
  // The whole piece as alternating (range, is_match) parts.
  struct Part { uint32_t begin, end; bool is_match; };
  std::vector<Part> parts;
  parts.reserve(matches.size() * 2 + 1);
  uint32_t pos = 0;
  for (const Span& m : matches) {
    if (m.begin > pos) parts.push_back({pos, m.begin, invert});
    parts.push_back({m.begin, m.end, !invert});
    pos = m.end;
  }
  if (pos < piece.text.size()) parts.push_back({pos, (uint32_t)piece.text.size(), invert});

  std::vector<std::pair<uint32_t, uint32_t>> kept;
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::kRemoved:
      for (const Part& p : parts) {
        if (!p.is_match) kept.push_back({p.begin, p.end});
      }
      break;
    case SplitBehavior::kIsolated:
      for (const Part& p : parts) kept.push_back({p.begin, p.end});
      break;
    case SplitBehavior::kMergedWithPrevious:
      for (const Part& p : parts) {
        if (p.is_match && !previous_match && !kept.empty()) kept.back().second = p.end;
        else kept.push_back({p.begin, p.end});
        previous_match = p.is_match;
      }
      break;
    case SplitBehavior::kMergedWithNext:
      for (size_t i = parts.size(); i-- > 0;) {
        const Part& p = parts[i];
        if (p.is_match && !previous_match && !kept.empty()) kept.back().first = p.begin;
        else kept.push_back({p.begin, p.end});
        previous_match = p.is_match;
      }
      std::reverse(kept.begin(), kept.end());
      break;
    case SplitBehavior::kContiguous:
      for (size_t i = 0; i < parts.size(); ++i) {
        const Part& p = parts[i];
        if (i > 0 && p.is_match == previous_match && !kept.empty()) kept.back().second = p.end;
        else kept.push_back({p.begin, p.end});
        previous_match = p.is_match;
      }
      break;
  }
  for (const auto& [b, e] : kept) {
    if (e > b) out->push_back(piece.slice(b, e));
  }
}

NormalizedString byte_level_map(const NormalizedString& piece) {
  NormalizedString out;
  out.text.reserve(piece.text.size() * 2);
  out.align.reserve(piece.text.size() * 2);
  for (size_t i = 0; i < piece.text.size(); ++i) {
    out.push_bytes(utf8::byte_char_utf8((uint8_t)piece.text[i]), piece.align[i]);
  }
  return out;
}

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = json_type(j, "pre_tokenizer");
  if (type == "BertPreTokenizer") return std::make_unique<BertPreTokenizer>();
  if (type == "ByteLevel") return std::make_unique<ByteLevelPreTokenizer>(j);
  if (type == "Metaspace") return std::make_unique<MetaspacePreTokenizer>(j);
  if (type == "Whitespace") {
    return std::make_unique<RegexSplitPreTokenizer>(regex_pattern(R"(\w+|[^\w\s]+)"),
                                                    SplitBehavior::kRemoved, true);
  }
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplitPreTokenizer>();
  if (type == "Punctuation") {
    return std::make_unique<PunctuationPreTokenizer>(
        parse_behavior(j, "Punctuation", SplitBehavior::kIsolated));
  }
  if (type == "Digits") {
    return std::make_unique<DigitsPreTokenizer>(json_bool(j, "individual_digits", false, "Digits"));
  }
  if (type == "CharDelimiterSplit") {
    const std::string d = json_string(j, "delimiter", "CharDelimiterSplit");
    uint32_t len = 0;
    if (d.empty() || (utf8::decode(d, 0, &len), len != d.size())) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json: CharDelimiterSplit.delimiter must be one character");
    }
    return std::make_unique<CharDelimiterPreTokenizer>(utf8::decode(d, 0, &len));
  }
  if (type == "Split") {
    return std::make_unique<RegexSplitPreTokenizer>(
        Pattern::from_json(json_at(j, "pattern", "Split"), "Split"),
        parse_behavior(j, "Split", SplitBehavior::kIsolated), json_bool(j, "invert", false, "Split"));
  }
  if (type == "Sequence") return std::make_unique<SequencePreTokenizer>(j);
  fail(ErrorCode::kUnsupported, "tokenizer.json: unknown pre_tokenizer type '" + type + "'");
}

}  // namespace pf
