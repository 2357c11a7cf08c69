#include "tasks/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>

#include "core/error.h"

namespace pf {

namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

int32_t argmax(const std::vector<float>& v) {
  return (int32_t)(std::max_element(v.begin(), v.end()) - v.begin());
}

[[noreturn]] void bad_option(const std::string& what) {
  fail(ErrorCode::kInvalidArgument, "sampling option " + what);
}

}  // namespace

void validate_sampling_options(const SamplingOptions& o) {
  if (!(o.temperature >= 0.f) || !std::isfinite(o.temperature)) {
    bad_option("temperature must be a finite number >= 0");
  }
  if (!(o.top_p > 0.f && o.top_p <= 1.f)) bad_option("top_p must be in (0, 1]");
  if (!(o.min_p >= 0.f && o.min_p <= 1.f)) bad_option("min_p must be in [0, 1]");
  if (!(o.repetition_penalty > 0.f) || !std::isfinite(o.repetition_penalty)) {
    bad_option("repetition_penalty must be a finite number > 0");
  }
  if (!std::isfinite(o.presence_penalty)) bad_option("presence_penalty must be finite");
  if (!std::isfinite(o.frequency_penalty)) bad_option("frequency_penalty must be finite");
}

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  const uint64_t a = splitmix64(x), b = splitmix64(x);
  s_[0] = (uint32_t)a;
  s_[1] = (uint32_t)(a >> 32);
  s_[2] = (uint32_t)b;
  s_[3] = (uint32_t)(b >> 32);
}

uint32_t Rng::next_u32() {
  const uint32_t result = rotl(s_[1] * 5, 7) * 9;
  const uint32_t t = s_[1] << 9;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 11);
  return result;
}

double Rng::uniform() { return next_u32() * (1.0 / 4294967296.0); }

Sampler::Sampler(const SamplingOptions& options) : options_(options), rng_(options.seed) {
  validate_sampling_options(options);
}

void Sampler::apply_penalties(std::vector<float>& logits,
                              const std::vector<int32_t>& history) const {
  const SamplingOptions& o = options_;
  if (o.repetition_penalty == 1.f && o.presence_penalty == 0.f && o.frequency_penalty == 0.f) {
    return;
  }
  std::unordered_map<int32_t, int> counts;
  for (int32_t id : history) {
    if (id >= 0 && (size_t)id < logits.size()) ++counts[id];
  }
  for (const auto& [id, count] : counts) {
    float& l = logits[(size_t)id];
    l = l > 0.f ? l / o.repetition_penalty : l * o.repetition_penalty;
    l -= o.presence_penalty + o.frequency_penalty * (float)count;
  }
}

std::vector<float> Sampler::distribution(std::vector<float> logits,
                                         const std::vector<int32_t>& history) const {
  if (logits.empty()) fail(ErrorCode::kInvalidArgument, "sampler: empty logits");
  const SamplingOptions& o = options_;
  apply_penalties(logits, history);
  std::vector<float> probs(logits.size(), 0.f);
  if (o.temperature == 0.f) {
    probs[(size_t)argmax(logits)] = 1.f;
    return probs;
  }
  // Candidates in descending logit order (ties: lower id first, so the
  // result does not depend on the sort's stability). With top-k only the k
  // best need ordering.
  std::vector<int32_t> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  auto better = [&](int32_t a, int32_t b) {
    return logits[(size_t)a] > logits[(size_t)b] || (logits[(size_t)a] == logits[(size_t)b] && a < b);
  };
  size_t keep = order.size();
  if (o.top_k > 0 && o.top_k < keep) {
    keep = o.top_k;
    std::partial_sort(order.begin(), order.begin() + (ptrdiff_t)keep, order.end(), better);
  } else if (o.top_p < 1.f || o.min_p > 0.f) {
    std::sort(order.begin(), order.end(), better);
  }  // else: no filter needs an order; plain softmax over all ids
  // Softmax of logit / temperature over the kept candidates, in double.
  const double max_logit = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p(keep);
  double total = 0.0;
  for (size_t i = 0; i < keep; ++i) {
    p[i] = std::exp(((double)logits[(size_t)order[i]] - max_logit) / o.temperature);
    total += p[i];
  }
  for (double& x : p) x /= total;
  // top-p: the smallest prefix whose mass reaches top_p.
  if (o.top_p < 1.f) {
    double mass = 0.0;
    size_t n = 0;
    while (n < keep && mass < o.top_p) mass += p[n++];
    keep = std::max<size_t>(n, 1);
  }
  // min-p: relative to the most likely token (p[0]).
  if (o.min_p > 0.f) {
    size_t n = 1;
    while (n < keep && p[n] >= o.min_p * p[0]) ++n;
    keep = n;
  }
  double kept_mass = 0.0;
  for (size_t i = 0; i < keep; ++i) kept_mass += p[i];
  for (size_t i = 0; i < keep; ++i) probs[(size_t)order[i]] = (float)(p[i] / kept_mass);
  return probs;
}

int32_t Sampler::sample(std::vector<float>& logits, const std::vector<int32_t>& history) {
  if (options_.temperature == 0.f) {
    apply_penalties(logits, history);
    if (logits.empty()) fail(ErrorCode::kInvalidArgument, "sampler: empty logits");
    return argmax(logits);
  }
  const std::vector<float> probs = distribution(std::move(logits), history);
  // Inverse CDF over token ids in order; one draw per token, so the RNG
  // stream advances identically everywhere.
  const double r = rng_.uniform();
  double cumulative = 0.0;
  int32_t last_nonzero = 0;
  for (size_t i = 0; i < probs.size(); ++i) {
    if (probs[i] <= 0.f) continue;
    cumulative += probs[i];
    last_nonzero = (int32_t)i;
    if (r < cumulative) return (int32_t)i;
  }
  return last_nonzero;  // rounding left the sum just below r
}

}  // namespace pf
