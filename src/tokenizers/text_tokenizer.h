// What text generation needs from a tokenizer, whatever its source: a
// SentencePiece model (llama2.c tokenizer.bin, .model, GGUF "llama" vocab) or
// a Hugging Face tokenizer.json pipeline.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizers/sentencepiece.h"
#include "tokenizers/tokenizer.h"

namespace pf {

class TextTokenizer {
 public:
  virtual ~TextTokenizer() = default;
  // add_special: the model's own prefix (BOS, or the post-processor's tokens).
  virtual std::vector<int32_t> encode(std::string_view text, bool add_special) const = 0;
  virtual std::string decode(const std::vector<int32_t>& ids, bool skip_special) const = 0;
  // The SentencePiece tokenizer underneath, for byte-exact streaming
  // (decode_token); nullptr for tokenizer.json pipelines.
  virtual const SentencePieceTokenizer* sentencepiece() const { return nullptr; }
};

std::unique_ptr<TextTokenizer> make_text_tokenizer(SentencePieceTokenizer tokenizer);
std::unique_ptr<TextTokenizer> make_text_tokenizer(Tokenizer tokenizer);

}  // namespace pf
