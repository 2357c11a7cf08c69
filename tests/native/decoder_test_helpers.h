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
