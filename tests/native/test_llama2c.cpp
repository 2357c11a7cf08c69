// llama2.c checkpoint reader and the Llama decoder on Karpathy's
// stories260K (../shared/fixtures/models/stories260K).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/error.h"
#include "formats/llama2c.h"
#include "kernels/runtime.h"
#include "models/llama.h"
#include "test_helpers.h"

namespace {

std::string stories_dir() { return pf_test::fixtures_dir() + "/models/stories260K"; }

int32_t argmax(const std::vector<float>& v) {
  return (int32_t)(std::max_element(v.begin(), v.end()) - v.begin());
}

// Greedy decoding from BOS as llama2.c's run.c does (steps forward passes;
// stops early at BOS).
std::vector<int32_t> greedy(pf::LlamaModel& model, size_t steps) {
  std::vector<int32_t> out;
  int32_t token = 1;
  for (size_t pos = 0; pos < steps; ++pos) {
    const int32_t next = argmax(model.forward(&token, 1, pos));
    if (next == 1) break;
    out.push_back(next);
    token = next;
  }
  return out;
}

}  // namespace

TEST_CASE("stories260K: greedy ids", "[llama2c]") {
  const std::string dir = stories_dir();
  if (!pf_test::file_exists(dir + "/stories260K.bin")) {
    WARN("skipped: " << dir << "/stories260K.bin absent (see ../shared/fixtures/README.md)");
    return;
  }
  const auto bytes = pf_test::read_bytes(dir + "/stories260K.bin");
  const auto ckpt = pf::Llama2cCheckpoint::parse(bytes.data(), bytes.size());
  auto model = pf::LlamaModel::load(ckpt.config(), ckpt);
  const auto ids = greedy(*model, 200);
  std::string s;
  for (int32_t id : ids) s += std::to_string(id) + " ";
  WARN(s);
}
