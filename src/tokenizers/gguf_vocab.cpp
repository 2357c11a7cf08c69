#include "tokenizers/gguf_vocab.h"

#include <string>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace pf {

bool gguf_has_tokenizer(const GgufFile& file) { return file.has("tokenizer.ggml.model"); }

bool gguf_add_bos(const GgufFile& file) {
  const bool gpt2 = file.has("tokenizer.ggml.model") && file.get_string("tokenizer.ggml.model") == "gpt2";
  return file.get_bool_or("tokenizer.ggml.add_bos_token", !gpt2);
}

SentencePieceTokenizer tokenizer_from_gguf(const GgufFile& f) {
  const std::string model(f.get_string("tokenizer.ggml.model"));
  if (model == "bert") {
    fail(ErrorCode::kUnsupported,
         f.file_name() + ": tokenizer.ggml.model 'bert' (WordPiece from GGUF) is not supported yet; "
                         "pass token ids");
  }
  if (model != "llama") {
    fail(ErrorCode::kUnsupported, f.file_name() + ": tokenizer.ggml.model '" + model +
                                      "' is not supported (supported: llama)");
  }
  const auto& token_views = f.get_string_array("tokenizer.ggml.tokens");
  const size_t n = token_views.size();
  if (n == 0) fail(ErrorCode::kCorruptModel, f.file_name() + ": tokenizer.ggml.tokens is empty");
  std::vector<std::string> pieces(token_views.begin(), token_views.end());
  std::vector<float> scores;
  if (f.has("tokenizer.ggml.scores")) scores = f.get_f32_array("tokenizer.ggml.scores");
  std::vector<int32_t> types;
  if (f.has("tokenizer.ggml.token_type")) {
    types = f.get_i32_array("tokenizer.ggml.token_type");
  } else {
    types.assign(n, 1);  // all normal
  }
  if ((!scores.empty() && scores.size() != n) || types.size() != n) {
    fail(ErrorCode::kCorruptModel,
         f.file_name() + ": tokenizer.ggml arrays differ in length (tokens " + std::to_string(n) +
             ", scores " + std::to_string(scores.size()) + ", token_type " +
             std::to_string(types.size()) + ")");
  }
  for (size_t i = 0; i < n; ++i) {
    if (types[i] < 1 || types[i] > 6) {
      fail(ErrorCode::kCorruptModel, f.file_name() + ": tokenizer.ggml.token_type[" +
                                         std::to_string(i) + "] = " + std::to_string(types[i]) +
                                         " is not a piece type (1..6)");
    }
  }
  auto special = [&](const char* key, int32_t fallback) -> int32_t {
    if (!f.has(key)) return fallback;
    const int64_t id = f.get_i64(key);
    if (id < 0 || id >= (int64_t)n) {
      fail(ErrorCode::kCorruptModel, f.file_name() + ": " + key + " = " + std::to_string(id) +
                                         " is outside the " + std::to_string(n) + "-token vocab");
    }
    return (int32_t)id;
  };
  SentencePieceTokenizer::Options o;  // the defaults are Llama's SentencePiece settings
  o.model_type = SentencePieceTokenizer::ModelType::kBpe;
  o.add_dummy_prefix = f.get_bool_or("tokenizer.ggml.add_space_prefix", true);
  o.bos_id = special("tokenizer.ggml.bos_token_id", -1);
  o.eos_id = special("tokenizer.ggml.eos_token_id", -1);
  o.pad_id = special("tokenizer.ggml.padding_token_id", -2);
  special("tokenizer.ggml.unknown_token_id", -1);  // range-checked; the vocab finds unk by type
  return SentencePieceTokenizer::from_pieces(std::move(pieces), std::move(scores),
                                             std::move(types), std::move(o));
}

Tokenizer byte_level_bpe_from_gguf(const GgufFile& f) {
  using nlohmann::json;
  const std::string model(f.get_string("tokenizer.ggml.model"));
  if (model != "gpt2") {
    fail(ErrorCode::kUnsupported, f.file_name() + ": tokenizer.ggml.model '" + model +
                                      "' is not a byte-level BPE vocab");
  }
  // The pre-tokenizer names the split regex; only GPT-2's own is built here.
  const std::string pre =
      f.has("tokenizer.ggml.pre") ? std::string(f.get_string("tokenizer.ggml.pre")) : "gpt-2";
  if (pre != "gpt-2") {
    fail(ErrorCode::kUnsupported, f.file_name() + ": tokenizer.ggml.pre '" + pre +
                                      "' is not supported (supported: gpt-2); pass token ids or "
                                      "use the model's tokenizer.json");
  }
  const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
  const size_t n = tokens.size();
  if (n == 0) fail(ErrorCode::kCorruptModel, f.file_name() + ": tokenizer.ggml.tokens is empty");
  std::vector<int32_t> types(n, 1);
  if (f.has("tokenizer.ggml.token_type")) types = f.get_i32_array("tokenizer.ggml.token_type");
  if (types.size() != n) {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": tokenizer.ggml.token_type has " +
                                       std::to_string(types.size()) + " entries for " +
                                       std::to_string(n) + " tokens");
  }
  json vocab = json::object(), added = json::array();
  for (size_t i = 0; i < n; ++i) {
    const std::string token(tokens[i]);
    if (vocab.contains(token)) {
      fail(ErrorCode::kCorruptModel, f.file_name() + ": token " + std::to_string(i) +
                                         " repeats an earlier token");
    }
    vocab[token] = i;
    // llama.cpp token types: 3 control (special), 4 user-defined (added, not special).
    if (types[i] == 3 || types[i] == 4) {
      added.push_back({{"id", i}, {"content", token}, {"single_word", false}, {"lstrip", false},
                       {"rstrip", false}, {"normalized", types[i] == 4}, {"special", types[i] == 3}});
    }
  }
  json merges = json::array();
  if (f.has("tokenizer.ggml.merges")) {
    for (std::string_view m : f.get_string_array("tokenizer.ggml.merges")) merges.push_back(m);
  }
  const json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false},
                           {"trim_offsets", true}, {"use_regex", true}};
  const json root = {
      {"version", "1.0"},
      {"added_tokens", added},
      {"normalizer", nullptr},
      {"pre_tokenizer", byte_level},
      {"post_processor", nullptr},
      {"decoder", byte_level},
      {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr},
                 {"continuing_subword_prefix", ""}, {"end_of_word_suffix", ""},
                 {"fuse_unk", false}, {"byte_fallback", false}, {"vocab", vocab},
                 {"merges", merges}}}};
  try {
    return Tokenizer::from_json(root.dump());
  } catch (const Error& e) {
    // A merge naming an unknown token, say: the file's fault, not the JSON's.
    if (e.code() == ErrorCode::kOutOfMemory) throw;
    fail(ErrorCode::kCorruptModel, f.file_name() + ": tokenizer.ggml.* vocab: " + e.what());
  }
}

std::unique_ptr<TextTokenizer> text_tokenizer_from_gguf(const GgufFile& f) {
  if (f.get_string("tokenizer.ggml.model") == "gpt2") {
    return make_text_tokenizer(byte_level_bpe_from_gguf(f));
  }
  return make_text_tokenizer(tokenizer_from_gguf(f));
}

}  // namespace pf
