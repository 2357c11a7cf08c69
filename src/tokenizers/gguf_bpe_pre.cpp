#include "tokenizers/gguf_bpe_pre.h"

#include "core/error.h"

namespace pf {
namespace {

using nlohmann::json;

// GPT-2's split, which ByteLevel(use_regex=true) applies itself.
json byte_level(bool use_regex) {
  return {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true},
          {"use_regex", use_regex}};
}

json split(const char* regex) {
  return {{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"},
          {"invert", false}};
}

json sequence(std::initializer_list<json> steps) {
  json list = json::array();
  for (const json& s : steps) list.push_back(s);
  return {{"type", "Sequence"}, {"pretokenizers", list}};
}

// Llama 3 (meta-llama/Meta-Llama-3-8B tokenizer.json, tiktoken's cl100k).
constexpr const char* kLlama3 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// Qwen2: Llama 3's with single digits.
constexpr const char* kQwen2 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// GPT-4o (o200k): case-aware words with optional contractions.
constexpr const char* kGpt4o =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

enum class Family { kGpt2, kLlama3, kDbrx, kQwen2, kStarCoder, kGpt4o, kDefault };

struct Name {
  const char* name;
  Family family;
};

// Names llama.cpp's convert_hf_to_gguf.py writes, grouped as llama-vocab.cpp
// groups them. Families whose tokenizer.json adds more than a split (byte
// classes, "$" anchors: deepseek-llm / deepseek-coder; custom code: kimi-k2)
// are left out rather than approximated.
constexpr Name kNames[] = {
    {"gpt-2", Family::kGpt2},         {"phi-2", Family::kGpt2},
    {"mpt", Family::kGpt2},           {"olmo", Family::kGpt2},
    {"jina-es", Family::kGpt2},       {"jina-de", Family::kGpt2},
    {"jina-v2-es", Family::kGpt2},    {"jina-v2-de", Family::kGpt2},
    {"jina-v1-en", Family::kGpt2},    {"jina-v2-code", Family::kGpt2},
    {"roberta-bpe", Family::kGpt2},   {"gigachat", Family::kGpt2},
    {"exaone4", Family::kGpt2},
    {"llama3", Family::kLlama3},      {"llama-v3", Family::kLlama3},
    {"llama-bpe", Family::kLlama3},   {"falcon3", Family::kLlama3},
    {"dbrx", Family::kDbrx},          {"smaug-bpe", Family::kDbrx},
    {"qwen2", Family::kQwen2},
    {"smollm", Family::kStarCoder},   {"starcoder", Family::kStarCoder},
    {"refact", Family::kStarCoder},   {"command-r", Family::kStarCoder},
    {"codeshell", Family::kStarCoder}, {"exaone", Family::kStarCoder},
    {"gpt-4o", Family::kGpt4o},
    {"default", Family::kDefault},
};

}  // namespace

const std::vector<std::string>& supported_gguf_bpe_pre_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Name& n : kNames) v.push_back(n.name);
    return v;
  }();
  return names;
}

ByteLevelBpePipeline byte_level_bpe_pipeline(const std::string& pre, const std::string& file_name) {
  const Name* found = nullptr;
  for (const Name& n : kNames) {
    if (pre == n.name) found = &n;
  }
  if (!found) {
    std::string list;
    for (const std::string& n : supported_gguf_bpe_pre_names()) list += (list.empty() ? "" : ", ") + n;
    fail(ErrorCode::kUnsupported, file_name + ": tokenizer.ggml.pre '" + pre +
                                      "' (byte-level BPE pre-tokenizer) is not supported (supported: " +
                                      list + "); pass token ids or use the model's tokenizer.json");
  }
  ByteLevelBpePipeline p;
  p.normalizer = nullptr;
  switch (found->family) {
    case Family::kGpt2:
      p.pre_tokenizer = byte_level(true);
      break;
    case Family::kLlama3:
      p.pre_tokenizer = sequence({split(kLlama3), byte_level(false)});
      p.ignore_merges = true;  // Llama 3's tokenizer.json sets it; llama.cpp too
      p.add_bos = true;        // its post-processor prepends <|begin_of_text|>
      break;
    case Family::kDbrx:
      p.pre_tokenizer = sequence({split(kLlama3), byte_level(false)});
      break;
    case Family::kQwen2:
      // Qwen2's tokenizer.json NFC-normalizes first (Qwen2Tokenizer does too).
      p.normalizer = {{"type", "NFC"}};
      p.pre_tokenizer = sequence({split(kQwen2), byte_level(false)});
      break;
    case Family::kStarCoder:
      // SmolLM / StarCoder tokenizer.json: single digits, then GPT-2's split.
      p.pre_tokenizer = sequence({{{"type", "Digits"}, {"individual_digits", true}}, byte_level(true)});
      break;
    case Family::kGpt4o:
      p.pre_tokenizer = sequence({split(kGpt4o), byte_level(false)});
      break;
    case Family::kDefault:
      // llama.cpp's fallback split sequence (no tokenizer.json of its own).
      p.pre_tokenizer = sequence(
          {split(R"([\p{P}\$\+<=>\^~\|]+)"),
           split(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))"),
           split(R"(\p{N}+)"), split("[0-9][0-9][0-9]"), byte_level(false)});
      break;
  }
  return p;
}

}  // namespace pf
