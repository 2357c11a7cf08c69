// A small backtracking regex engine for the patterns tokenizer.json files
// use in Split / Replace / ByteLevel (GPT-2, Llama 3, Qwen, GPT-4o style):
// alternation, (?:...) and (?i:...) groups, classes with \p{..} Unicode
// categories (from utf8proc), \s \d \w and negations, escapes, ?, *, +,
// {m,n} (greedy and lazy), lookahead (?=...) (?!...), ^ and $.
// Semantics follow Oniguruma (leftmost match, first alternative wins).
// Anything else is rejected at compile time with a pf::Error naming it.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizers/normalized_string.h"

namespace pf {

class Regex {
 public:
  explicit Regex(std::string_view pattern);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // Non-overlapping, non-empty matches as byte ranges of text (valid UTF-8).
  std::vector<Span> find_all(std::string_view text) const;

  struct Program;

 private:
  std::unique_ptr<Program> program_;
};

// tokenizer.json's {"String": "..."} or {"Regex": "..."} pattern object.
class Pattern {
 public:
  static Pattern from_json(const nlohmann::json& j, const std::string& ctx);
  std::vector<Span> find_all(std::string_view text) const;

 private:
  std::string literal_;
  std::shared_ptr<Regex> regex_;
};

}  // namespace pf
