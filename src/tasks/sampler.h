// Next-token selection from logits: penalties, temperature, top-k, top-p,
// min-p, then a draw from a seeded PRNG of our own (xoshiro128**), so a seed
// gives the same tokens on every platform (native, wasm, any thread count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pf {

struct SamplingOptions {
  float temperature = 1.0f;         // 0: greedy (argmax, first on ties)
  size_t top_k = 0;                 // keep the k most likely (0: off)
  float top_p = 1.0f;               // keep the smallest set with mass >= top_p (1: off)
  float min_p = 0.0f;               // drop tokens with p < min_p * p_max (0: off)
  float repetition_penalty = 1.0f;  // seen tokens: logit / r if > 0 else * r (CTRL, as HF)
  float presence_penalty = 0.0f;    // seen tokens: logit - presence (OpenAI)
  float frequency_penalty = 0.0f;   // seen tokens: logit - frequency * count (OpenAI)
  uint64_t seed = 0;
};

// Throws pf::Error kInvalidArgument naming the bad field.
void validate_sampling_options(const SamplingOptions& options);

// xoshiro128** (Blackman & Vigna), state seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint32_t next_u32();
  double uniform();  // [0, 1), 32 random bits

 private:
  uint32_t s_[4];
};

class Sampler {
 public:
  explicit Sampler(const SamplingOptions& options);

  // Picks the next token given the logits and the tokens so far (prompt +
  // generated; the penalties look at these). `logits` is used as scratch.
  int32_t sample(std::vector<float>& logits, const std::vector<int32_t>& history);

  // The distribution sample() draws from (after penalties, temperature and
  // filtering), normalized; for temperature 0 a one-hot of the argmax.
  std::vector<float> distribution(std::vector<float> logits,
                                  const std::vector<int32_t>& history) const;

  const SamplingOptions& options() const { return options_; }

 private:
  void apply_penalties(std::vector<float>& logits, const std::vector<int32_t>& history) const;

  SamplingOptions options_;
  Rng rng_;
};

}  // namespace pf
