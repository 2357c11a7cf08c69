// tokenizer.json "pre_tokenizer" stage: splits normalized text into the
// pieces the model tokenizes independently (BertPreTokenizer, ByteLevel,
// Metaspace, Whitespace, WhitespaceSplit, Punctuation, Digits, Split,
// CharDelimiterSplit, Sequence). Pieces keep their alignment to the original.
#pragma once

#include <memory>
#include <string_view>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "tokenizers/normalized_string.h"

namespace pf {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces *pieces by their sub-pieces (empty pieces are dropped).
  virtual void pre_tokenize(std::vector<NormalizedString>* pieces) const = 0;
  // For pre-tokenizers that only cut text (never rewrite it): the pieces of
  // text as sorted, non-empty byte ranges, with no copies. False (nothing
  // written) when this one needs pre_tokenize.
  virtual bool split_ranges(std::string_view text, std::vector<Span>* ranges) const {
    (void)text;
    (void)ranges;
    return false;
  }
};

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& config);

// How the parts of a split are kept (tokenizers' SplitDelimiterBehavior).
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// Splits piece at the given non-overlapping, sorted byte ranges ("matches").
void split_piece(const NormalizedString& piece, const std::vector<Span>& matches,
                 SplitBehavior behavior, bool invert, std::vector<NormalizedString>* out);

// GPT-2 byte -> char remapping of one piece (what ByteLevel does after splitting).
NormalizedString byte_level_map(const NormalizedString& piece);

}  // namespace pf
