#include "convert/decoder_comparison.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace pf {

namespace {

double log_softmax_at(const std::vector<float>& logits, int32_t id) {
  const float mx = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (float l : logits) sum += std::exp((double)l - mx);
  return (double)logits[(size_t)id] - mx - std::log(sum);
}

size_t argmax(const std::vector<float>& v) {
  return (size_t)(std::max_element(v.begin(), v.end()) - v.begin());
}

// Runs `ids` one token per forward, returning every position's logits and
// adding the wall time spent in forward to *seconds.
std::vector<std::vector<float>> run(DecoderModel& m, const std::vector<int32_t>& ids,
                                    double* seconds) {
  m.reset();
  std::vector<std::vector<float>> out;
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < ids.size(); ++i) out.push_back(m.forward(&ids[i], 1, i));
  *seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, v);
  return buf;
}

}  // namespace

std::vector<std::pair<std::string, double>> DecoderComparison::logit_fields() const {
  return {
      {"logit_cosine_mean", cosine_mean},
      {"logit_cosine_min", cosine_min},
      {"logit_max_abs_diff", max_abs_diff},
      {"argmax_agreement", argmax_agreement},
      {"perplexity_before", perplexity_before},
      {"perplexity_after", perplexity_after},
      {"tokens_per_s_before", tokens_per_s_before},
      {"tokens_per_s_after", tokens_per_s_after},
  };
}

void DecoderComparison::logit_rows(
    const std::function<void(const std::string&, const std::string&, const std::string&)>& row) const {
  row("perplexity", fmt("%.6g", perplexity_before), fmt("%.6g", perplexity_after));
  row("decode speed (tokens/s)", fmt("%.1f", tokens_per_s_before), fmt("%.1f", tokens_per_s_after));
  row("logit cosine mean / min", "", fmt("%.6f", cosine_mean) + " / " + fmt("%.6f", cosine_min));
  row("logit max |diff|", "", fmt("%.3g", max_abs_diff));
  row("next-token argmax agreement", "", fmt("%.2f%%", 100 * argmax_agreement));
}

std::vector<std::vector<int32_t>> sample_token_ids(
    const std::vector<std::string>& texts,
    const std::function<std::vector<int32_t>(const std::string&)>& encode, size_t max_tokens) {
  std::vector<std::vector<int32_t>> inputs;
  for (const std::string& s : texts) {
    std::vector<int32_t> ids = encode(s);
    if (ids.size() > max_tokens) ids.resize(max_tokens);
    if (ids.size() >= 2) inputs.push_back(std::move(ids));
  }
  return inputs;
}

std::vector<std::vector<int32_t>> random_token_ids(int64_t vocab_size, size_t max_tokens) {
  std::vector<std::vector<int32_t>> inputs;
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int s = 0; s < 4; ++s) {
    std::vector<int32_t> ids;
    for (size_t i = 0; i < std::min<size_t>(max_tokens, 32); ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      ids.push_back((int32_t)((state >> 33) % (uint64_t)vocab_size));
    }
    inputs.push_back(std::move(ids));
  }
  return inputs;
}

DecoderComparison compare_decoders(DecoderModel& before, DecoderModel& after,
                                   const std::vector<std::vector<int32_t>>& inputs) {
  if (inputs.empty()) fail(ErrorCode::kInvalidArgument, "no sample has 2 or more tokens");
  DecoderComparison r;
  // One untimed pass each first: the first forward pays one-time setup
  // (operator creation, page faults) that is not the model's speed.
  double warmup = 0;
  run(before, inputs[0], &warmup);
  run(after, inputs[0], &warmup);
  double t_before = 0, t_after = 0, nll_before = 0, nll_after = 0, cos_sum = 0;
  size_t agree = 0, predicted = 0, tokens = 0;
  r.cosine_min = 1.0;
  for (const auto& ids : inputs) {
    const auto a = run(before, ids, &t_before);
    const auto b = run(after, ids, &t_after);
    tokens += ids.size();
    r.samples++;
    for (size_t i = 0; i < ids.size(); ++i) {
      double dot = 0, na = 0, nb = 0;
      for (size_t k = 0; k < a[i].size(); ++k) {
        dot += (double)a[i][k] * b[i][k];
        na += (double)a[i][k] * a[i][k];
        nb += (double)b[i][k] * b[i][k];
        r.max_abs_diff = std::max(r.max_abs_diff, (double)std::fabs(a[i][k] - b[i][k]));
      }
      const double cos = na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
      cos_sum += cos;
      r.cosine_min = std::min(r.cosine_min, cos);
      if (argmax(a[i]) == argmax(b[i])) ++agree;
      r.positions++;
      if (i + 1 < ids.size()) {
        nll_before -= log_softmax_at(a[i], ids[i + 1]);
        nll_after -= log_softmax_at(b[i], ids[i + 1]);
        ++predicted;
      }
    }
  }
  r.cosine_mean = cos_sum / (double)r.positions;
  r.argmax_agreement = (double)agree / (double)r.positions;
  r.perplexity_before = std::exp(nll_before / (double)predicted);
  r.perplexity_after = std::exp(nll_after / (double)predicted);
  r.tokens_per_s_before = t_before > 0 ? (double)tokens / t_before : 0;
  r.tokens_per_s_after = t_after > 0 ? (double)tokens / t_after : 0;
  return r;
}

}  // namespace pf
