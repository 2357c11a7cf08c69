// A model to convert, held in memory with everything it was read from:
// a Hugging Face Llama/Qwen2 checkpoint (config.json + model.safetensors,
// optionally tokenizer.model and tokenizer.json) or a llama2.c checkpoint
// (+ its tokenizer.bin). Owns the file bytes, so the weight views stay valid
// for as long as the source lives.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "formats/decoder_config.h"
#include "models/decoder_weights.h"
#include "tokenizers/sentencepiece.h"

namespace pf {

class ConvertSource {
 public:
  ~ConvertSource();
  ConvertSource(const ConvertSource&) = delete;
  ConvertSource& operator=(const ConvertSource&) = delete;

  // tokenizer_model / tokenizer_json may be empty.
  static std::unique_ptr<ConvertSource> from_hf(std::string config_json,
                                                std::vector<uint8_t> safetensors,
                                                std::vector<uint8_t> tokenizer_model,
                                                std::string tokenizer_json,
                                                const std::string& config_name = "config.json");
  // tokenizer may be empty (then the GGUF has no vocab). `file_name` names
  // the checkpoint in error messages.
  static std::unique_ptr<ConvertSource> from_llama2c(std::vector<uint8_t> checkpoint,
                                                     std::vector<uint8_t> tokenizer,
                                                     const std::string& file_name = "model.bin");
  // By file name (what a page gets from a dropped folder): "config.json" +
  // "model.safetensors" (+ "tokenizer.model", "tokenizer.json") is HF;
  // otherwise the .bin that parses as a llama2.c checkpoint is the model
  // and another .bin its tokenizer. kInvalidArgument naming what is missing.
  static std::unique_ptr<ConvertSource> from_files(std::map<std::string, std::vector<uint8_t>> files);

  // "hf" or "llama2c".
  const std::string& kind() const { return kind_; }
  const DecoderConfig& config() const { return config_; }
  const DecoderWeightSource& weights() const { return *weights_; }
  // Null when the source has no SentencePiece vocabulary.
  const SentencePieceTokenizer* tokenizer() const { return tokenizer_.get(); }
  const std::string& tokenizer_json() const { return tokenizer_json_; }
  // Bytes of the weight file(s) as given (the "size before").
  size_t weight_file_bytes() const { return weight_file_bytes_; }

 private:
  ConvertSource() = default;
  struct Holder;  // the parsed file objects the weight source points into

  std::string kind_;
  DecoderConfig config_;
  std::vector<uint8_t> bytes_;
  std::unique_ptr<Holder> holder_;
  std::unique_ptr<DecoderWeightSource> weights_;
  std::unique_ptr<SentencePieceTokenizer> tokenizer_;
  std::string tokenizer_json_;
  size_t weight_file_bytes_ = 0;
};

}  // namespace pf
