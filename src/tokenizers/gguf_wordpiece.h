// WordPiece vocabularies in GGUF (tokenizer.ggml.model "bert"), llama.cpp's
// convention (convert_hf_to_gguf.py BertModel.set_vocab): control tokens
// ([CLS], [SEP], ...) are stored as they are, a continuation "##ing" as
// "ing", every other token with a U+2581 word-start prefix ("▁the").
// Converters before that rule keyed on token type kept any "[...]" token
// as it was ("[unused0]"), so both spellings are read back.
// llama.cpp has no key for casing (it always lowercases); ours is
// pocketformer.tokenizer.do_lower_case, true when absent.
#pragma once

#include <string>
#include <vector>

#include "formats/gguf.h"

namespace pf {

// llama.cpp token types (gguf TokenType).
constexpr int32_t kGgufTokenNormal = 1;
constexpr int32_t kGgufTokenControl = 3;

// vocab.txt token -> the GGUF spelling, and back.
std::string wordpiece_to_gguf_token(const std::string& token, bool control);
std::string wordpiece_from_gguf_token(std::string_view token, bool control);

// The file's WordPiece vocab as vocab.txt text (one token per line, id =
// line). kUnsupported when tokenizer.ggml.model is not "bert" or a special
// id names a token our WordPiece tokenizer would not treat as that special
// ([CLS], [SEP], [UNK], [PAD], [MASK]); kCorruptModel for arrays of
// different lengths, ids outside the vocab, or tokens containing a newline.
std::string gguf_wordpiece_vocab_txt(const GgufFile& file);
bool gguf_wordpiece_lowercase(const GgufFile& file);

}  // namespace pf
