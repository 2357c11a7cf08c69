#include "tasks/text_generation.h"

#include "core/error.h"
#include "formats/gguf.h"
#include "formats/gguf_decoder_config.h"
#include "formats/llama2c.h"
#include "formats/safetensors.h"
#include "models/gguf_decoder_weights.h"
#include "models/gguf_gpt2_weights.h"
#include "models/gpt2.h"
#include "models/hf_decoder_weights.h"
#include "models/hf_gpt2_weights.h"
#include "models/llama.h"
#include "tokenizers/gguf_vocab.h"

namespace pf {

std::unique_ptr<TextGeneration> TextGeneration::load_llama2c(
    const uint8_t* model, size_t model_size, const uint8_t* tokenizer, size_t tokenizer_size,
    WeightFormat format, int64_t max_context, KvDtype kv_dtype) {
  const Llama2cCheckpoint ckpt = Llama2cCheckpoint::parse(model, model_size, max_context);
  DecoderConfig config = ckpt.config();
  config.kv_dtype = kv_dtype;
  auto t = std::unique_ptr<TextGeneration>(new TextGeneration());
  if (tokenizer_size > 0) {
    t->tokenizer_ = make_text_tokenizer(SentencePieceTokenizer::from_llama2c(
        tokenizer, tokenizer_size, (size_t)ckpt.config().vocab_size));
  }
  t->model_ = LlamaModel::load(config, ckpt, format);
  t->generator_.reset(new Generator(*t->model_));
  return t;
}

std::unique_ptr<TextGeneration> TextGeneration::load_hf(const std::string& config_json,
                                                        const uint8_t* safetensors,
                                                        size_t safetensors_size,
                                                        WeightFormat format, int64_t max_context,
                                                        std::string_view tokenizer_json,
                                                        KvDtype kv_dtype) {
  DecoderConfig config = parse_decoder_config(config_json, max_context);
  config.kv_dtype = kv_dtype;
  const SafetensorsFile file = SafetensorsFile::parse(safetensors, safetensors_size);
  auto t = std::unique_ptr<TextGeneration>(new TextGeneration());
  if (!tokenizer_json.empty()) {
    Tokenizer tokenizer = Tokenizer::from_json(tokenizer_json);
    if (tokenizer.vocab_size() > (size_t)config.vocab_size) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json has " + std::to_string(tokenizer.vocab_size()) +
                                         " tokens but config.json vocab_size is " +
                                         std::to_string(config.vocab_size));
    }
    t->tokenizer_ = make_text_tokenizer(std::move(tokenizer));
  }
  if (config.model_type == "gpt2") {
    t->model_ = Gpt2Model::load(config, HfGpt2Weights(config, file), format);
  } else {
    t->model_ = LlamaModel::load(config, HfDecoderWeights(config, file), format);
  }
  t->generator_.reset(new Generator(*t->model_));
  return t;
}

std::unique_ptr<TextGeneration> TextGeneration::load_gguf(const uint8_t* gguf, size_t gguf_size,
                                                          const WeightFormat* format,
                                                          int64_t max_context, KvDtype kv_dtype) {
  const GgufFile file = GgufFile::parse(gguf, gguf_size);
  // llama.cpp's vocab-only files carry a full model's hyper-parameters; say
  // what is missing before sizing a KV cache for a model that is not there.
  if (file.find_tensor("token_embd.weight") == nullptr) {
    fail(ErrorCode::kCorruptModel, "model.gguf: no tensor 'token_embd.weight' (" +
                                       std::to_string(file.tensors().size()) +
                                       " tensors; a vocab-only GGUF?)");
  }
  DecoderConfig config = decoder_config_from_gguf(file, max_context);
  config.kv_dtype = kv_dtype;
  auto t = std::unique_ptr<TextGeneration>(new TextGeneration());
  if (gguf_has_tokenizer(file)) {
    try {
      t->tokenizer_ = text_tokenizer_from_gguf(file);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kUnsupported) throw;
      t->no_tokenizer_reason_ = e.what();
    }
  }
  const WeightFormat f = format ? *format : default_weight_format(file);
  if (config.model_type == "gpt2") {
    t->model_ = Gpt2Model::load(config, GgufGpt2Weights(config, file), f);
  } else {
    t->model_ = LlamaModel::load(config, GgufDecoderWeights(config, file), f);
  }
  t->generator_.reset(new Generator(*t->model_));
  return t;
}

const TextTokenizer& TextGeneration::tokenizer() const {
  if (!tokenizer_ && !no_tokenizer_reason_.empty()) {
    fail(ErrorCode::kUnsupported, no_tokenizer_reason_);
  }
  if (!tokenizer_) {
    fail(ErrorCode::kInvalidArgument, "this text generator has no tokenizer: pass token ids");
  }
  return *tokenizer_;
}

GenerationOptions TextGeneration::default_options() const {
  GenerationOptions o;
  for (int64_t id : model_->config().eos_token_ids) o.eos_token_ids.push_back((int32_t)id);
  return o;
}

}  // namespace pf
