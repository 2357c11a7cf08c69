#include "tokenizers/gguf_vocab.h"

#include <string>

#include "core/error.h"

namespace pf {

bool gguf_has_tokenizer(const GgufFile& file) { return file.has("tokenizer.ggml.model"); }

bool gguf_add_bos(const GgufFile& file) {
  return file.get_bool_or("tokenizer.ggml.add_bos_token", true);
}

SentencePieceTokenizer tokenizer_from_gguf(const GgufFile& f) {
  const std::string model(f.get_string("tokenizer.ggml.model"));
  if (model == "gpt2" || model == "bert") {
    fail(ErrorCode::kUnsupported,
         f.file_name() + ": tokenizer.ggml.model '" + model +
             "' (byte-level BPE / WordPiece from GGUF) is not supported yet; pass token ids");
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

}  // namespace pf
