// tokenizer.json "normalizer" stage: BertNormalizer, NFC/NFD/NFKC/NFKD,
// Lowercase, StripAccents, Replace, Prepend, Strip, Precompiled, Sequence. Each rewrites a
// NormalizedString in place, keeping every byte aligned to the original.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <nlohmann/json_fwd.hpp>

#include "tokenizers/normalized_string.h"

namespace pf {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedString* s) const = 0;
};

// nullptr for a JSON null. Unknown types / bad fields -> pf::Error naming them.
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& config);

// Shared with the Bert/Metaspace-style pieces elsewhere.
enum class UnicodeForm { kNFC, kNFD, kNFKC, kNFKD };
void unicode_normalize(UnicodeForm form, NormalizedString* s);
void full_lowercase(NormalizedString* s);
// Drops every mark (\p{M}: Mn, Mc, Me), as Hugging Face's StripAccents does.
void strip_marks(NormalizedString* s);
// Drops nonspacing marks (\p{Mn}) only, as BertNormalizer's strip_accents does.
void strip_nonspacing_marks(NormalizedString* s);

// Pieces of the Unicode forms shared with the fused BertNormalizer pass
// (bert_normalizer.cpp), so both give the same text and alignment.
// utf8proc's normalization of one piece of valid UTF-8.
std::string utf8proc_normalize(std::string_view text, UnicodeForm form);
// Whether cp begins a new normalization segment (combining class 0, except
// the Hangul jamo that compose with the syllable before them).
bool starts_segment(int32_t cp);
// Whether one segment is a lone code point that no form changes.
bool unchanged_alone(std::string_view segment);

std::unique_ptr<Normalizer> make_bert_normalizer(const nlohmann::json& config);

}  // namespace pf
