#include "tokenizers/text_tokenizer.h"

namespace pf {

namespace {

class SentencePieceText final : public TextTokenizer {
 public:
  explicit SentencePieceText(SentencePieceTokenizer t) : t_(std::move(t)) {}
  std::vector<int32_t> encode(std::string_view text, bool add_special) const override {
    return t_.encode(text, /*add_bos=*/add_special, /*add_eos=*/false);
  }
  std::string decode(const std::vector<int32_t>& ids, bool skip_special) const override {
    return t_.decode(ids, skip_special);
  }
  const SentencePieceTokenizer* sentencepiece() const override { return &t_; }

 private:
  SentencePieceTokenizer t_;
};

class PipelineText final : public TextTokenizer {
 public:
  explicit PipelineText(Tokenizer t) : t_(std::move(t)) {}
  std::vector<int32_t> encode(std::string_view text, bool add_special) const override {
    // A prompt is never truncated or padded (tokenizer.json may ask for
    // both); the model reports a prompt longer than its context.
    EncodeOptions options;
    options.add_special_tokens = add_special;
    return t_.encode(text, nullptr, options).ids;
  }
  std::string decode(const std::vector<int32_t>& ids, bool skip_special) const override {
    return t_.decode(ids, skip_special);
  }

 private:
  Tokenizer t_;
};

}  // namespace

std::unique_ptr<TextTokenizer> make_text_tokenizer(SentencePieceTokenizer tokenizer) {
  return std::make_unique<SentencePieceText>(std::move(tokenizer));
}

std::unique_ptr<TextTokenizer> make_text_tokenizer(Tokenizer tokenizer) {
  return std::make_unique<PipelineText>(std::move(tokenizer));
}

}  // namespace pf
