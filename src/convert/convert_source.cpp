#include "convert/convert_source.h"

#include "core/error.h"
#include "formats/llama2c.h"
#include "formats/safetensors.h"
#include "models/hf_decoder_weights.h"

namespace pf {

struct ConvertSource::Holder {
  std::unique_ptr<SafetensorsFile> safetensors;
};

ConvertSource::~ConvertSource() = default;

std::unique_ptr<ConvertSource> ConvertSource::from_hf(std::string config_json,
                                                      std::vector<uint8_t> safetensors,
                                                      std::vector<uint8_t> tokenizer_model,
                                                      std::string tokenizer_json,
                                                      const std::string& config_name) {
  auto s = std::unique_ptr<ConvertSource>(new ConvertSource());
  s->kind_ = "hf";
  s->config_ = parse_decoder_config(config_json, 0, config_name);
  s->bytes_ = std::move(safetensors);
  s->weight_file_bytes_ = s->bytes_.size();
  s->holder_.reset(new Holder());
  s->holder_->safetensors.reset(
      new SafetensorsFile(SafetensorsFile::parse(s->bytes_.data(), s->bytes_.size())));
  s->weights_.reset(new HfDecoderWeights(s->config_, *s->holder_->safetensors));
  if (!tokenizer_model.empty()) {
    s->tokenizer_.reset(new SentencePieceTokenizer(
        SentencePieceTokenizer::from_model_proto(tokenizer_model.data(), tokenizer_model.size())));
    if ((int64_t)s->tokenizer_->vocab_size() > s->config_.vocab_size) {
      fail(ErrorCode::kCorruptModel, "tokenizer.model has " +
                                         std::to_string(s->tokenizer_->vocab_size()) +
                                         " pieces but config.json's vocab_size is " +
                                         std::to_string(s->config_.vocab_size));
    }
  }
  s->tokenizer_json_ = std::move(tokenizer_json);
  return s;
}

std::unique_ptr<ConvertSource> ConvertSource::from_llama2c(std::vector<uint8_t> checkpoint,
                                                           std::vector<uint8_t> tokenizer,
                                                           const std::string& file_name) {
  auto s = std::unique_ptr<ConvertSource>(new ConvertSource());
  s->kind_ = "llama2c";
  s->bytes_ = std::move(checkpoint);
  s->weight_file_bytes_ = s->bytes_.size();
  auto ckpt = std::make_unique<Llama2cCheckpoint>(
      Llama2cCheckpoint::parse(s->bytes_.data(), s->bytes_.size(), 0, file_name));
  s->config_ = ckpt->config();
  s->weights_ = std::move(ckpt);
  if (!tokenizer.empty()) {
    s->tokenizer_.reset(new SentencePieceTokenizer(SentencePieceTokenizer::from_llama2c(
        tokenizer.data(), tokenizer.size(), (size_t)s->config_.vocab_size)));
  }
  return s;
}

std::unique_ptr<ConvertSource> ConvertSource::from_files(
    std::map<std::string, std::vector<uint8_t>> files) {
  auto take = [&](const std::string& name) {
    auto it = files.find(name);
    if (it == files.end()) return std::vector<uint8_t>();
    std::vector<uint8_t> b = std::move(it->second);
    files.erase(it);
    return b;
  };
  if (files.count("config.json")) {
    if (!files.count("model.safetensors")) {
      fail(ErrorCode::kInvalidArgument,
           "a Hugging Face model needs model.safetensors beside config.json "
           "(sharded checkpoints are not supported yet)");
    }
    const std::vector<uint8_t> cfg = take("config.json");
    const std::vector<uint8_t> tj = take("tokenizer.json");
    return from_hf(std::string(cfg.begin(), cfg.end()), take("model.safetensors"),
                   take("tokenizer.model"), std::string(tj.begin(), tj.end()));
  }
  std::vector<std::string> bins;
  for (const auto& [name, bytes] : files) {
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".bin") == 0) bins.push_back(name);
  }
  for (const std::string& name : bins) {
    try {
      Llama2cCheckpoint::parse(files[name].data(), files[name].size(), 0, name);
    } catch (const Error&) {
      continue;
    }
    std::vector<uint8_t> model = take(name);
    std::vector<uint8_t> tok;
    for (const std::string& other : bins) {
      if (other != name) tok = take(other);
    }
    return from_llama2c(std::move(model), std::move(tok), name);
  }
  fail(ErrorCode::kInvalidArgument,
       "no model found among the files: expected config.json + model.safetensors (Hugging Face "
       "BERT/DistilBERT/Llama/Qwen2) or a llama2.c checkpoint .bin (+ tokenizer .bin)");
}

}  // namespace pf
