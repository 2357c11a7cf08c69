// The "model" stage of a tokenizer pipeline (the word -> sub-word step):
// WordPiece, BPE, Unigram. Normalizers and pre-tokenizers run before it and
// hand it one piece of normalized text at a time; post-processors and
// decoders run after it. Offsets are byte offsets inside the piece it was
// given, so the pipeline can map them back to the original string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

struct ModelToken {
  int32_t id = -1;
  uint32_t begin = 0;  // byte offsets into the piece passed to tokenize()
  uint32_t end = 0;
};

class TokenizerModel {
 public:
  virtual ~TokenizerModel() = default;

  // Appends the tokens of one pre-tokenized piece. Never throws on any input
  // bytes (invalid UTF-8 included): unknown text becomes the unk token or
  // byte-fallback tokens, as the model's settings say.
  virtual void tokenize(std::string_view piece, std::vector<ModelToken>* out) const = 0;

  virtual int32_t token_to_id(std::string_view token) const = 0;  // -1 when absent
  // The token string for an id; an empty string for ids outside the vocab.
  virtual const std::string& id_to_token(int32_t id) const = 0;
  virtual size_t vocab_size() const = 0;
};

}  // namespace pf
