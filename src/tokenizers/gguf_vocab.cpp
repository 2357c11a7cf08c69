#include "tokenizers/gguf_vocab.h"

#include <string>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/gguf_bpe_pre.h"

namespace pf {

bool gguf_has_tokenizer(const GgufFile& file) { return file.has("tokenizer.ggml.model"); }

namespace {

std::string bpe_pre_name(const GgufFile& f) {
  return f.has("tokenizer.ggml.pre") ? std::string(f.get_string("tokenizer.ggml.pre")) : "gpt-2";
}

// llama.cpp's defaults: SentencePiece adds BOS; byte-level BPE only for the
// pre-tokenizers whose models do (Llama 3). An unknown pre-tokenizer says no
// here; building the tokenizer reports it.
bool add_bos_default(const GgufFile& f) {
  if (f.get_string("tokenizer.ggml.model") != "gpt2") return true;
  for (const std::string& n : supported_gguf_bpe_pre_names()) {
    if (n == bpe_pre_name(f)) return byte_level_bpe_pipeline(n, f.file_name()).add_bos;
  }
  return false;
}

int64_t special_id(const GgufFile& f, const char* key, size_t n) {
  if (!f.has(key)) return -1;
  const int64_t id = f.get_i64(key);
  if (id < 0 || id >= (int64_t)n) {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": " + key + " = " + std::to_string(id) +
                                       " is outside the " + std::to_string(n) + "-token vocab");
  }
  return id;
}

}  // namespace

bool gguf_add_bos(const GgufFile& file) {
  if (!file.has("tokenizer.ggml.model")) return file.get_bool_or("tokenizer.ggml.add_bos_token", true);
  return file.get_bool_or("tokenizer.ggml.add_bos_token", add_bos_default(file));
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
  // The pre-tokenizer names the split (and for Qwen2 the normalizer): built
  // as that family's tokenizer.json pipeline. Absent means GPT-2's own.
  const ByteLevelBpePipeline pipeline = byte_level_bpe_pipeline(bpe_pre_name(f), f.file_name());
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
  // add_bos_token / add_eos_token as the post-processor HF uses for them
  // (Llama 3: TemplateProcessing "<|begin_of_text|> $A"), so encode with
  // special tokens adds what llama.cpp adds.
  json post = nullptr;
  const int64_t bos = special_id(f, "tokenizer.ggml.bos_token_id", n);
  const int64_t eos = special_id(f, "tokenizer.ggml.eos_token_id", n);
  const bool add_bos = gguf_add_bos(f) && bos >= 0;
  const bool add_eos = f.get_bool_or("tokenizer.ggml.add_eos_token", false) && eos >= 0;
  if (add_bos || add_eos) {
    json specials = json::object();
    auto piece = [&](int64_t id, int type_id) {
      const std::string t(tokens[(size_t)id]);
      specials[t] = {{"id", t}, {"ids", {id}}, {"tokens", {t}}};
      return json{{"SpecialToken", {{"id", t}, {"type_id", type_id}}}};
    };
    json single = json::array(), pair = json::array();
    for (int type_id = 0; type_id < 2; ++type_id) {
      json& seq = type_id == 0 ? single : pair;
      if (add_bos) seq.push_back(piece(bos, type_id));
      seq.push_back({{"Sequence", {{"id", type_id == 0 ? "A" : "B"}, {"type_id", type_id}}}});
      if (add_eos) seq.push_back(piece(eos, type_id));
    }
    pair.insert(pair.begin(), single.begin(), single.end());
    post = {{"type", "TemplateProcessing"}, {"single", single}, {"pair", pair},
            {"special_tokens", specials}};
  }
  const json decoder = {{"type", "ByteLevel"}, {"add_prefix_space", false},
                        {"trim_offsets", true}, {"use_regex", true}};
  const json root = {
      {"version", "1.0"},
      {"added_tokens", added},
      {"normalizer", pipeline.normalizer},
      {"pre_tokenizer", pipeline.pre_tokenizer},
      {"post_processor", post},
      {"decoder", decoder},
      {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr},
                 {"continuing_subword_prefix", ""}, {"end_of_word_suffix", ""},
                 {"fuse_unk", false}, {"byte_fallback", false},
                 {"ignore_merges", pipeline.ignore_merges}, {"vocab", vocab},
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
