#include "tasks/generation.h"

#include <algorithm>

#include "core/error.h"

namespace pf {

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::kNotStopped: return "not_stopped";
    case StopReason::kEos: return "eos";
    case StopReason::kMaxNewTokens: return "max_new_tokens";
    case StopReason::kContextFull: return "context_full";
    case StopReason::kCallback: return "callback";
  }
  return "?";
}

void Generator::reset() {
  model_.reset();
  tokens_.clear();
  logits_.clear();
  generated_ = 0;
  stop_ = StopReason::kNotStopped;
  started_ = false;
}

void Generator::start(const std::vector<int32_t>& prompt, const GenerationOptions& options) {
  if (prompt.empty()) fail(ErrorCode::kInvalidArgument, "generate: the prompt has no tokens");
  const size_t max_context = (size_t)model_.config().max_context;
  if (prompt.size() > max_context) {
    fail(ErrorCode::kInvalidArgument, "generate: the prompt has " + std::to_string(prompt.size()) +
                                          " tokens but the context holds " +
                                          std::to_string(max_context));
  }
  Sampler sampler(options.sampling);  // validates before any state changes
  // Reuse the cached prefix; at least the last prompt token is recomputed
  // because its logits are needed.
  size_t common = 0;
  const size_t cached = std::min(tokens_.size(), model_.cached_tokens());
  while (common < cached && common < prompt.size() && tokens_[common] == prompt[common]) ++common;
  if (common == prompt.size()) --common;
  started_ = false;
  tokens_.clear();
  logits_ = model_.forward(prompt.data() + common, prompt.size() - common, common);
  tokens_ = prompt;
  options_ = options;
  sampler_ = std::move(sampler);
  generated_ = 0;
  stop_ = options.max_new_tokens == 0 ? StopReason::kMaxNewTokens : StopReason::kNotStopped;
  started_ = true;
}

int32_t Generator::next() {
  if (!started_) fail(ErrorCode::kInvalidArgument, "generate: next() before start()");
  if (stop_ != StopReason::kNotStopped) return -1;
  if (tokens_.size() >= (size_t)model_.config().max_context) {
    stop_ = StopReason::kContextFull;
    return -1;
  }
  const int32_t token = sampler_.sample(logits_, tokens_);
  const auto& eos = options_.eos_token_ids;
  if (std::find(eos.begin(), eos.end(), token) != eos.end()) {
    stop_ = StopReason::kEos;
    return -1;
  }
  tokens_.push_back(token);
  ++generated_;
  if (generated_ >= options_.max_new_tokens) {
    stop_ = StopReason::kMaxNewTokens;  // no need for the following logits
  } else if (tokens_.size() < (size_t)model_.config().max_context) {
    logits_ = model_.forward(&token, 1, tokens_.size() - 1);
  }
  return token;
}

std::vector<int32_t> Generator::generate(const std::vector<int32_t>& prompt,
                                         const GenerationOptions& options,
                                         const std::function<bool(int32_t)>& on_token) {
  start(prompt, options);
  std::vector<int32_t> out;
  for (int32_t token = next(); token >= 0; token = next()) {
    out.push_back(token);
    if (on_token && !on_token(token)) {
      stop_ = StopReason::kCallback;
      break;
    }
  }
  return out;
}

}  // namespace pf
