// libFuzzer: the input is tried as a sentencepiece .model file and as a
// llama2.c tokenizer.bin (whichever parses tokenizes a few texts and
// decodes ids), and as a precompiled charsmap normalizing itself; it is
// also tokenized as text by two fixed small models (BPE and Unigram, with
// byte, user-defined and unused pieces). For valid UTF-8 the byte-fallback
// BPE model must round-trip the text exactly (unless it contains a
// literal "▁").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/error.h"
#include "tokenizers/precompiled_charsmap.h"
#include "tokenizers/sentencepiece.h"

namespace {

pf::SentencePieceTokenizer fixed_model(pf::SentencePieceTokenizer::ModelType type) {
  std::vector<std::string> pieces = {"<unk>", "<s>", "</s>"};
  std::vector<int32_t> types = {2, 3, 3};
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    pieces.push_back(buf);
    types.push_back(6);
  }
  const char* normal[] = {"\xe2\x96\x81", "a", "b", "ab", "\xe2\x96\x81" "a", "\xe2\x96\x81" "ab", "\xc3\xa9", "c"};
  for (const char* p : normal) {
    pieces.push_back(p);
    types.push_back(1);
  }
  pieces.push_back("<mask>");
  types.push_back(4);
  pieces.push_back("ba");
  types.push_back(5);
  std::vector<float> scores;
  for (size_t i = 0; i < pieces.size(); ++i) scores.push_back(-(float)i * 0.5f);
  pf::SentencePieceTokenizer::Options options;
  options.model_type = type;
  return pf::SentencePieceTokenizer::from_pieces(pieces, scores, types, options);
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    bool valid;
    const size_t n = pf::spm_utf8_char(std::string_view(s).substr(i), &valid);
    if (!valid) return false;
    i += n;
  }
  return true;
}

void exercise(const pf::SentencePieceTokenizer& tok, const std::string& text) {
  const auto ids = tok.encode(text, true, true);
  for (int32_t id : ids) {
    if (id < 0 || (size_t)id >= tok.vocab_size()) __builtin_trap();
  }
  tok.decode(ids, false);
  tok.decode(ids, true);
  for (size_t i = 1; i < ids.size(); ++i) tok.decode_token(ids[i - 1], ids[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto bpe = fixed_model(pf::SentencePieceTokenizer::ModelType::kBpe);
  static const auto unigram = fixed_model(pf::SentencePieceTokenizer::ModelType::kUnigram);
  const std::string input(reinterpret_cast<const char*>(data), size);

  exercise(unigram, input);
  exercise(bpe, input);
  // A literal "▁" in the input decodes as a space, as in sentencepiece.
  if (valid_utf8(input) && input.find("\xe2\x96\x81") == std::string::npos &&
      bpe.decode(bpe.encode(input, false, false), true) != input) {
    __builtin_trap();
  }

  const std::string texts[] = {"Hello world", "  a  b\tc\n", "\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\xa6\x99", input.substr(0, 64)};
  try {
    const auto tok = pf::SentencePieceTokenizer::from_model_proto(data, size);
    for (const auto& t : texts) exercise(tok, t);
  } catch (const pf::Error&) {
  }
  try {  // the input as a charsmap blob, normalizing itself both ways
    const auto map = pf::PrecompiledCharsmap::parse(data, size);
    std::string out;
    std::vector<uint32_t> to_orig;
    map.normalize(input, &out, &to_orig);
    if (to_orig.size() != out.size() + 1) __builtin_trap();
    map.normalize_hf(input, &out, &to_orig);
    if (to_orig.size() != out.size() + 1) __builtin_trap();
  } catch (const pf::Error&) {
  }
  try {
    const auto tok = pf::SentencePieceTokenizer::from_llama2c(data, size, 0);
    for (const auto& t : texts) exercise(tok, t);
  } catch (const pf::Error&) {
  }
  return 0;
}
