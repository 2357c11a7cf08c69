// text-generation: a decoder model (Llama family or GPT-2), its tokenizer
// when we have one (llama2.c tokenizer.bin), and a Generator, loaded from
// the files users have: a llama2.c checkpoint + tokenizer.bin, or a HF
// config.json + model.safetensors (token ids then come from the caller's
// tokenizer).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/decoder_model.h"
#include "tasks/generation.h"
#include "tokenizers/text_tokenizer.h"

namespace pf {

class TextGeneration {
 public:
  // max_context caps the KV cache (0: the model's own limit); kv_dtype
  // chooses its storage (f16 halves its memory). tokenizer may be null
  // (size 0): then only token ids go in and out.
  static std::unique_ptr<TextGeneration> load_llama2c(const uint8_t* model, size_t model_size,
                                                      const uint8_t* tokenizer,
                                                      size_t tokenizer_size, WeightFormat format,
                                                      int64_t max_context = 0,
                                                      KvDtype kv_dtype = KvDtype::kF32);
  // Dispatches on config.json's model_type: llama / qwen2 -> LlamaModel,
  // gpt2 -> Gpt2Model.
  // tokenizer_json: the folder's tokenizer.json ("" = none: ids only).
  // A llama.cpp-style GGUF ("llama"/"qwen2"/"gpt2" architecture); its
  // tokenizer from tokenizer.ggml.* when it is a SentencePiece ("llama") or
  // GPT-2 byte-level BPE ("gpt2") vocab — other vocab kinds load without a
  // tokenizer, and tokenizer() then says why.
  // `format` null: default_weight_format(file) (int8 for Q8_0, 4-bit for
  // Q4_*, f32 for float files).
  static std::unique_ptr<TextGeneration> load_gguf(const uint8_t* gguf, size_t gguf_size,
                                                   const WeightFormat* format,
                                                   int64_t max_context = 0,
                                                   KvDtype kv_dtype = KvDtype::kF32);
  static std::unique_ptr<TextGeneration> load_hf(const std::string& config_json,
                                                 const uint8_t* safetensors,
                                                 size_t safetensors_size, WeightFormat format,
                                                 int64_t max_context = 0,
                                                 std::string_view tokenizer_json = {},
                                                 KvDtype kv_dtype = KvDtype::kF32);

  DecoderModel& model() { return *model_; }
  Generator& generator() { return *generator_; }
  bool has_tokenizer() const { return tokenizer_ != nullptr; }
  // Throws kInvalidArgument when there is no tokenizer.
  const TextTokenizer& tokenizer() const;
  // Options with the model's end-of-sequence ids filled in.
  GenerationOptions default_options() const;

 private:
  std::unique_ptr<DecoderModel> model_;
  std::unique_ptr<TextTokenizer> tokenizer_;
  std::unique_ptr<Generator> generator_;
  std::string no_tokenizer_reason_;  // set when a file's tokenizer could not be built
};

}  // namespace pf
