// libFuzzer: the first part of the input is a vocab.txt, the rest is text to
// tokenize (split at the first NUL byte); also tokenizes the whole input with
// a fixed vocabulary so arbitrary UTF-8 (and invalid UTF-8) hits encode().
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "tokenizers/wordpiece.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const pf::WordPieceTokenizer fixed = pf::WordPieceTokenizer::from_vocab_txt(
      "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\n##b\n##a\nthe\n,\n.\n\xc3\xa9\n\xe4\xb8\x80\n");
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (int32_t id : fixed.encode(input, 64)) {
    if (id < 0 || (size_t)id >= fixed.vocab_size()) __builtin_trap();
  }
  const size_t split = input.find('\0');
  if (split == std::string::npos) return 0;
  try {
    const auto tok = pf::WordPieceTokenizer::from_vocab_txt(input.substr(0, split));
    for (int32_t id : tok.encode(input.substr(split + 1), 512)) {
      if (id < 0 || (size_t)id >= tok.vocab_size()) __builtin_trap();
    }
  } catch (const pf::Error&) {
  }
  return 0;
}
