#include "tokenizers/gguf_wordpiece.h"

#include "core/error.h"

namespace pf {

namespace {

constexpr std::string_view kWordStart = "\xE2\x96\x81";  // U+2581

bool bracketed(std::string_view t) { return t.size() >= 2 && t.front() == '[' && t.back() == ']'; }

}  // namespace

std::string wordpiece_to_gguf_token(const std::string& token, bool control) {
  if (control) return token;
  if (token.rfind("##", 0) == 0) return token.substr(2);
  return std::string(kWordStart) + token;
}

std::string wordpiece_from_gguf_token(std::string_view token, bool control) {
  if (control) return std::string(token);
  if (token.substr(0, kWordStart.size()) == kWordStart) {
    return std::string(token.substr(kWordStart.size()));
  }
  // The older converter's rule: "[unused0]" kept as is, not a continuation.
  if (bracketed(token)) return std::string(token);
  return "##" + std::string(token);
}

bool gguf_wordpiece_lowercase(const GgufFile& f) {
  return f.get_bool_or("pocketformer.tokenizer.do_lower_case", true);
}

std::string gguf_wordpiece_vocab_txt(const GgufFile& f) {
  const std::string model(f.get_string("tokenizer.ggml.model"));
  if (model != "bert") {
    fail(ErrorCode::kUnsupported, f.file_name() + ": tokenizer.ggml.model '" + model +
                                      "' is not a WordPiece vocab (expected 'bert')");
  }
  const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
  const size_t n = tokens.size();
  if (n == 0) fail(ErrorCode::kCorruptModel, f.file_name() + ": tokenizer.ggml.tokens is empty");
  std::vector<int32_t> types(n, kGgufTokenNormal);
  if (f.has("tokenizer.ggml.token_type")) types = f.get_i32_array("tokenizer.ggml.token_type");
  if (types.size() != n) {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": tokenizer.ggml.token_type has " +
                                       std::to_string(types.size()) + " entries for " +
                                       std::to_string(n) + " tokens");
  }
  std::vector<std::string> vocab(n);
  std::string text;
  for (size_t i = 0; i < n; ++i) {
    vocab[i] = wordpiece_from_gguf_token(tokens[i], types[i] == kGgufTokenControl);
    if (vocab[i].find_first_of("\r\n") != std::string::npos) {
      fail(ErrorCode::kCorruptModel, f.file_name() + ": token " + std::to_string(i) +
                                         " contains a line break");
    }
    text += vocab[i];
    text += '\n';
  }
  // Our WordPiece tokenizer knows its specials by name; a file whose ids
  // point elsewhere would be tokenized differently, so say so.
  const std::pair<const char*, const char*> specials[] = {
      {"tokenizer.ggml.cls_token_id", "[CLS]"},     {"tokenizer.ggml.seperator_token_id", "[SEP]"},
      {"tokenizer.ggml.unknown_token_id", "[UNK]"}, {"tokenizer.ggml.padding_token_id", "[PAD]"},
      {"tokenizer.ggml.mask_token_id", "[MASK]"}};
  for (const auto& [key, name] : specials) {
    if (!f.has(key)) continue;
    const int64_t id = f.get_i64(key);
    if (id < 0 || id >= (int64_t)n) {
      fail(ErrorCode::kCorruptModel, f.file_name() + ": " + key + " = " + std::to_string(id) +
                                         " is outside the " + std::to_string(n) + "-token vocab");
    }
    if (vocab[(size_t)id] != name) {
      fail(ErrorCode::kUnsupported, f.file_name() + ": " + key + " names '" + vocab[(size_t)id] +
                                        "'; only WordPiece vocabs with the standard " + name +
                                        " token are supported");
    }
  }
  return text;
}

}  // namespace pf
