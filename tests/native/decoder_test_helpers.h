// Shared by the decoder test files: comparing logits with a reference
// JSON array, the greedy choice, and the whole check of a decoder against
// its PyTorch reference.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/decoder_model.h"

namespace pf_test {

inline float max_abs_diff(const std::vector<float>& got, const nlohmann::json& want) {
  REQUIRE(got.size() == want.size());
  float m = 0.f;
  for (size_t i = 0; i < want.size(); ++i) {
    m = std::max(m, (float)std::fabs(got[i] - want[i].get<double>()));
  }
  return m;
}

// Logits of every position of `ids` from a fresh cache: the first half as
// one prefill (its last position's logits), then one token per forward —
// both of forward's paths.
inline std::vector<std::vector<float>> run_logits(pf::DecoderModel& model,
                                                  const std::vector<int32_t>& ids) {
  model.reset();
  const size_t prefill = std::max<size_t>(1, ids.size() / 2);
  std::vector<std::vector<float>> out = {model.forward(ids.data(), prefill, 0)};
  for (size_t i = prefill; i < ids.size(); ++i) out.push_back(model.forward(&ids[i], 1, i));
  return out;
}

// Largest |a - b| over all positions (same shapes required).
inline float max_abs_diff(const std::vector<std::vector<float>>& a,
                          const std::vector<std::vector<float>>& b) {
  REQUIRE(a.size() == b.size());
  float m = 0.f;
  for (size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].size() == b[i].size());
    for (size_t k = 0; k < a[i].size(); ++k) m = std::max(m, std::fabs(a[i][k] - b[i][k]));
  }
  return m;
}

inline int32_t argmax(const std::vector<float>& v) {
  return (int32_t)(std::max_element(v.begin(), v.end()) - v.begin());
}

// The reference's prompt logits and 64 teacher-forced step logits within
// 1e-4, then free-running greedy decoding from a fresh cache reproducing the
// reference continuation token for token.
inline void check_against_reference(pf::DecoderModel& model, const nlohmann::json& ref,
                                    const std::string& name) {
  const auto prompt = ref["prompt"].get<std::vector<int32_t>>();
  const auto continuation = ref["continuation"].get<std::vector<int32_t>>();
  REQUIRE(continuation.size() == 64);

  // Prefill (one batched pass), then decode with the reference's tokens fed
  // back (teacher forcing) so every step compares the same inputs.
  float worst = max_abs_diff(model.forward(prompt.data(), prompt.size(), 0), ref["prompt_logits"]);
  CHECK(worst <= 1e-4f);
  size_t pos = prompt.size();
  for (size_t i = 0; i < continuation.size(); ++i, ++pos) {
    const float err = max_abs_diff(model.forward(&continuation[i], 1, pos), ref["step_logits"][i]);
    INFO("step " << i);
    REQUIRE(err <= 1e-4f);
    worst = std::max(worst, err);
  }
  WARN(name << ": max abs logit error " << worst << " (reference min top-2 gap "
            << ref["min_top2_gap"].get<double>() << ")");

  model.reset();
  std::vector<float> logits = model.forward(prompt.data(), prompt.size(), 0);
  pos = prompt.size();
  for (size_t i = 0; i < continuation.size(); ++i) {
    const int32_t next = argmax(logits);
    INFO("greedy step " << i);
    REQUIRE(next == continuation[i]);
    logits = model.forward(&next, 1, pos++);
  }
}

}  // namespace pf_test
