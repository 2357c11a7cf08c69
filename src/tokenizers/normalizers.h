// tokenizer.json "normalizer" stage: BertNormalizer, NFC/NFD/NFKC/NFKD,
// Lowercase, StripAccents, Replace, Prepend, Strip, Precompiled, Sequence. Each rewrites a
// NormalizedString in place, keeping every byte aligned to the original.
#pragma once

#include <memory>
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

}  // namespace pf
