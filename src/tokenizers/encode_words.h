// The per-token inner loop of Tokenizer::encode: one normalized section
// (no added tokens in it) -> pre-tokenizer pieces -> model tokens appended
// to an Encoding with their offsets into the original string. Kept apart
// from tokenizer.cpp so it builds for speed (CMakeLists PF_SPEED_SOURCES).
#pragma once

#include <cstdint>
#include <vector>

#include "tokenizers/encoding.h"
#include "tokenizers/model.h"
#include "tokenizers/normalized_string.h"
#include "tokenizers/pre_tokenizers.h"

namespace pf {

// Buffers reused across sections of one encode call.
struct EncodeScratch {
  std::vector<NormalizedString> pieces;
  std::vector<Span> ranges;
  std::vector<ModelToken> tokens;
};

// pre may be null (the whole section is one piece); s may be consumed.
// *next_word is the word id of the first piece and is advanced past each
// non-empty piece (tokenizers drops empty splits before numbering words).
void encode_words(NormalizedString&& s, const PreTokenizer* pre, const TokenizerModel& model,
                  int32_t seq, int32_t* next_word, EncodeScratch* scratch, Encoding* e);

}  // namespace pf
