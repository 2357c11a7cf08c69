// Tokenizer from a GGUF file's tokenizer.ggml.* metadata (llama.cpp's
// convention): model "llama" is a SentencePiece BPE vocab (tokens, scores,
// token_type with SentencePiece's piece-type numbers, bos/eos/unk/padding
// ids); model "gpt2" with pre-tokenizer "gpt-2" is GPT-2's byte-level BPE
// (tokens in byte-to-unicode form, merges "a b", control tokens special).
// "bert" (WordPiece) vocabularies and other byte-level pre-tokenizers
// (llama3, qwen2, ... regexes) are reported as kUnsupported.
#pragma once

#include <memory>

#include "formats/gguf.h"
#include "tokenizers/sentencepiece.h"
#include "tokenizers/text_tokenizer.h"
#include "tokenizers/tokenizer.h"

namespace pf {

// True when the file carries a tokenizer (tokenizer.ggml.model is set).
bool gguf_has_tokenizer(const GgufFile& file);

// Throws kUnsupported for tokenizer models other than "llama", kCorruptModel
// for arrays of different lengths or special ids outside the vocabulary.
SentencePieceTokenizer tokenizer_from_gguf(const GgufFile& file);

// GPT-2 byte-level BPE ("gpt2" model, "gpt-2" or absent pre-tokenizer), as
// transformers' GPT2Converter lays out tokenizer.json. kUnsupported for
// other models / pre-tokenizers, kCorruptModel for malformed arrays
// (duplicate tokens, merges of unknown tokens, bad special ids).
Tokenizer byte_level_bpe_from_gguf(const GgufFile& file);

// Whichever of the two the file holds.
std::unique_ptr<TextTokenizer> text_tokenizer_from_gguf(const GgufFile& file);

// tokenizer.ggml.add_bos_token (llama.cpp's default: true for "llama",
// false for "gpt2").
bool gguf_add_bos(const GgufFile& file);

}  // namespace pf
