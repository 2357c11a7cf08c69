// Tokenizer from a GGUF file's tokenizer.ggml.* metadata (llama.cpp's
// convention): model "llama" is a SentencePiece BPE vocab (tokens, scores,
// token_type with SentencePiece's piece-type numbers, bos/eos/unk/padding
// ids). "gpt2" (byte-level BPE) and "bert" (WordPiece) vocabularies are
// reported as kUnsupported until the tokenizer.json/BPE branch lands.
#pragma once

#include "formats/gguf.h"
#include "tokenizers/sentencepiece.h"

namespace pf {

// True when the file carries a tokenizer (tokenizer.ggml.model is set).
bool gguf_has_tokenizer(const GgufFile& file);

// Throws kUnsupported for tokenizer models other than "llama", kCorruptModel
// for arrays of different lengths or special ids outside the vocabulary.
SentencePieceTokenizer tokenizer_from_gguf(const GgufFile& file);

// tokenizer.ggml.add_bos_token (llama.cpp's default for "llama": true).
bool gguf_add_bos(const GgufFile& file);

}  // namespace pf
