// llama2.c's tokenizer.bin (written by its tokenizer.py export): int32
// max_token_length, then for each token a float32 score, an int32 byte
// length and the token's bytes, little-endian, with no count stored — the
// vocab size comes from the checkpoint header, or from reading to the end.
// The exporter writes sentencepiece pieces with "▁" turned into " " and
// BOS/EOS as "\n<s>\n" / "\n</s>\n".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pf {

struct Llama2cVocab {
  int32_t max_token_length = 0;
  std::vector<std::string> pieces;  // exactly as stored
  std::vector<float> scores;
};

// vocab_size 0 reads tokens until the end of the data (which must then end
// exactly on a token boundary); otherwise exactly vocab_size tokens are read
// and anything after them is ignored, as llama2.c does. Fails with kCorruptModel on truncation,
// negative lengths, non-finite scores or an empty vocabulary.
Llama2cVocab parse_llama2c_vocab(const uint8_t* data, size_t size, size_t vocab_size);

}  // namespace pf
