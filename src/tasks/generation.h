// Autoregressive text generation over a DecoderModel: prefill the prompt,
// then sample one token per step until an end-of-sequence id, the token
// budget, the context limit, or the caller says stop. A step API
// (start / next) lets callers stream tokens and abort between them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "models/decoder_model.h"
#include "tasks/sampler.h"

namespace pf {

struct GenerationOptions {
  SamplingOptions sampling;
  size_t max_new_tokens = 256;
  std::vector<int32_t> eos_token_ids;  // sampling one of these ends generation (not emitted)
};

enum class StopReason { kNotStopped, kEos, kMaxNewTokens, kContextFull, kCallback };
const char* stop_reason_name(StopReason reason);

class Generator {
 public:
  // The model must outlive the generator; the generator owns its KV cache
  // state between start() calls.
  explicit Generator(DecoderModel& model) : model_(model) {}

  // Prefills `prompt` (non-empty). Tokens shared with the previous
  // sequence's prefix are not recomputed (their keys/values are cached).
  // Throws pf::Error kInvalidArgument for bad ids/options or a prompt longer
  // than the context.
  void start(const std::vector<int32_t>& prompt, const GenerationOptions& options);

  // The next generated token, or -1 once generation has stopped (see
  // stop_reason()).
  int32_t next();

  // start() + next() until done; `on_token` is called with each token and
  // may return false to stop. Returns the generated tokens.
  std::vector<int32_t> generate(const std::vector<int32_t>& prompt,
                                const GenerationOptions& options,
                                const std::function<bool(int32_t)>& on_token = nullptr);

  StopReason stop_reason() const { return stop_; }
  // Prompt + generated tokens of the current sequence.
  const std::vector<int32_t>& tokens() const { return tokens_; }
  size_t generated() const { return generated_; }
  // Forget everything (next start() prefills from scratch).
  void reset();

 private:
  DecoderModel& model_;
  GenerationOptions options_;
  Sampler sampler_{SamplingOptions{}};
  std::vector<int32_t> tokens_;
  std::vector<float> logits_;  // for the token after tokens_
  size_t generated_ = 0;
  StopReason stop_ = StopReason::kNotStopped;
  bool started_ = false;
};

}  // namespace pf
