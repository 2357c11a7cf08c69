#include "tokenizers/llama2c_vocab.h"

#include <cmath>
#include <cstring>

#include "core/error.h"

namespace pf {

namespace {

[[noreturn]] void corrupt(const std::string& what) {
  fail(ErrorCode::kCorruptModel, "llama2.c tokenizer: " + what);
}

uint32_t read_u32_le(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

}  // namespace

Llama2cVocab parse_llama2c_vocab(const uint8_t* data, size_t size, size_t vocab_size) {
  if (size < 4) corrupt("file is " + std::to_string(size) + " bytes, too short for its header");
  // Every token needs at least 8 bytes, which bounds any honest vocab_size.
  if (vocab_size > (size - 4) / 8) {
    corrupt("vocab_size " + std::to_string(vocab_size) + " needs more than the file's " +
            std::to_string(size) + " bytes");
  }
  Llama2cVocab vocab;
  vocab.max_token_length = (int32_t)read_u32_le(data);
  if (vocab.max_token_length < 0) corrupt("negative max_token_length");
  size_t pos = 4;
  const bool until_end = vocab_size == 0;
  while (until_end ? pos < size : vocab.pieces.size() < vocab_size) {
    const size_t index = vocab.pieces.size();
    if (size - pos < 8) corrupt("token " + std::to_string(index) + " is truncated at byte " + std::to_string(pos));
    float score;
    const uint32_t score_bits = read_u32_le(data + pos);
    std::memcpy(&score, &score_bits, sizeof score);
    const int32_t len = (int32_t)read_u32_le(data + pos + 4);
    pos += 8;
    if (!std::isfinite(score)) corrupt("token " + std::to_string(index) + " has a non-finite score");
    if (len < 0 || (size_t)len > size - pos) {
      corrupt("token " + std::to_string(index) + " length " + std::to_string(len) +
              " runs past the end of the file");
    }
    vocab.pieces.emplace_back(reinterpret_cast<const char*>(data + pos), (size_t)len);
    vocab.scores.push_back(score);
    pos += (size_t)len;
  }
  if (vocab.pieces.empty()) corrupt("no tokens");
  return vocab;
}

}  // namespace pf
