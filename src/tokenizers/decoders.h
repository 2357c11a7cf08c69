// tokenizer.json "decoder" stage: turns token strings back into text
// (ByteLevel, WordPiece, Metaspace, ByteFallback, Fuse, Strip, Replace, BPEDecoder,
// Sequence). Each step maps a list of strings to a list of strings, as in
// Hugging Face's decode_chain; the final strings are concatenated.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace pf {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual std::vector<std::string> decode_chain(std::vector<std::string> tokens) const = 0;
};

std::unique_ptr<Decoder> make_decoder(const nlohmann::json& config);

// The transformers-level clean_up_tokenization_spaces rewrite (" ." -> ".", ...).
std::string clean_up_tokenization(std::string text);

}  // namespace pf
