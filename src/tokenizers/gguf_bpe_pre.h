// llama.cpp's tokenizer.ggml.pre names for byte-level BPE vocabularies,
// mapped to the tokenizer.json normalizer / pre-tokenizer / BPE options the
// Hugging Face tokenizer of that model family uses, so a GGUF vocabulary is
// tokenized exactly as the model's own tokenizer.json would be. The splitting
// regexes are those llama.cpp's src/llama-vocab.cpp lists per name (written
// the way tokenizer.json writes them).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pf {

struct ByteLevelBpePipeline {
  nlohmann::json normalizer;     // null, or the family's normalizer (Qwen2: NFC)
  nlohmann::json pre_tokenizer;  // always ends in ByteLevel
  bool ignore_merges = false;    // Llama 3: a piece already in the vocab is one token
  bool add_bos = false;          // llama.cpp's default when add_bos_token is absent
};

// Throws kUnsupported naming the pre-tokenizer (and the supported names) for
// names not in the table. file_name prefixes the message.
ByteLevelBpePipeline byte_level_bpe_pipeline(const std::string& pre, const std::string& file_name);

// The names byte_level_bpe_pipeline accepts, for messages and tests.
const std::vector<std::string>& supported_gguf_bpe_pre_names();

}  // namespace pf
