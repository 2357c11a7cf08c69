// Tokenizer from a GGUF file's tokenizer.ggml.* metadata (llama.cpp's
// convention): model "llama" is a SentencePiece BPE vocab (tokens, scores,
// token_type with SentencePiece's piece-type numbers, bos/eos/unk/padding
// ids); model "gpt2" is byte-level BPE (tokens in byte-to-unicode form,
// merges "a b", control tokens special, user-defined tokens added) with the
// pre-tokenizer tokenizer.ggml.pre names (gpt-2, llama-bpe, qwen2, smollm,
// gpt-4o, ...: see gguf_bpe_pre.h). "bert" (WordPiece) vocabularies and
// unknown pre-tokenizers are reported as kUnsupported.
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

// Byte-level BPE ("gpt2" model; absent pre-tokenizer means "gpt-2") as the
// family's tokenizer.json lays it out; add_bos_token / add_eos_token become
// its post-processor, so encode(text, add_special=true) adds them.
// kUnsupported for other models / pre-tokenizers (naming them), kCorruptModel
// for malformed arrays (duplicate tokens, merges of unknown tokens, bad
// special ids).
Tokenizer byte_level_bpe_from_gguf(const GgufFile& file);

// Whichever of the two the file holds.
std::unique_ptr<TextTokenizer> text_tokenizer_from_gguf(const GgufFile& file);

// tokenizer.ggml.add_bos_token (llama.cpp's default: true for "llama",
// for "gpt2" only with the Llama 3 pre-tokenizers).
bool gguf_add_bos(const GgufFile& file);

}  // namespace pf
