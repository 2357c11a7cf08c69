// Shared by the decoder test files: comparing logits with a reference
// JSON array, and the greedy choice.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

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

}  // namespace pf_test
