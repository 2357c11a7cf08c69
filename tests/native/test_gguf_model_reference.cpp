// GGUF models written independently in Python (tests/reference/
// make_tiny_gguf.py: llama.cpp's names and q/k permutation done in numpy)
// loaded by our GGUF loader, against the PyTorch reference logits of the
// same HF checkpoints (tests/reference/llama_reference.py).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "formats/gguf.h"
#include "models/gguf_decoder_weights.h"
#include "tasks/text_generation.h"
#include "decoder_test_helpers.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;
using pf_test::max_abs_diff;

float spread(const json& v) {
  float lo = 1e30f, hi = -1e30f;
  for (const auto& x : v) lo = std::min(lo, x.get<float>()), hi = std::max(hi, x.get<float>());
  return hi - lo;
}

}  // namespace

TEST_CASE("Python-written Llama / Qwen2 GGUFs match the PyTorch reference within 1e-4",
          "[gguf_model][reference]") {
  // The rope models carry llama.cpp's rope.scaling.* keys (linear, yarn) or
  // the rope_freqs.weight tensor (llama3).
  const std::string name = GENERATE("tiny-llama", "tiny-llama-tied", "tiny-qwen2",
                                    "tiny-llama-rope-linear", "tiny-llama-rope-llama3",
                                    "tiny-llama-rope-yarn");
  const std::string dir = pf_test::testdata_dir() + "/" + name;
  INFO(name << " (generate with: bash scripts/make-testdata.sh)");
  REQUIRE(pf_test::file_exists(dir + "/model.gguf"));
  const json ref = json::parse(pf_test::read_text(dir + "/reference.json"));
  const auto bytes = pf_test::read_bytes(dir + "/model.gguf");
  auto t = pf::TextGeneration::load_gguf(bytes.data(), bytes.size(), nullptr);
  CHECK(t->model().format() == pf::WeightFormat::kF32);
  CHECK(!t->has_tokenizer());
  const std::vector<int32_t> prompt = ref["prompt"].get<std::vector<int32_t>>();
  const std::vector<int32_t> continuation = ref["continuation"].get<std::vector<int32_t>>();
  std::vector<float> logits = t->model().forward(prompt.data(), prompt.size(), 0);
  float worst = max_abs_diff(logits, ref["prompt_logits"]);
  size_t pos = prompt.size();
  for (size_t i = 0; i < continuation.size(); ++i) {
    logits = t->model().forward(&continuation[i], 1, pos++);
    worst = std::max(worst, max_abs_diff(logits, ref["step_logits"][i]));
  }
  WARN(name << " GGUF (python-written) vs PyTorch: max |logit diff| " << worst);
  CHECK(worst <= 1e-4f);
}

TEST_CASE("Python-written Q8_0 GGUF loads as int8 and stays close to the reference",
          "[gguf_model][reference]") {
  const std::string dir = pf_test::testdata_dir() + "/tiny-llama";
  REQUIRE(pf_test::file_exists(dir + "/model-q8_0.gguf"));
  const json ref = json::parse(pf_test::read_text(dir + "/reference.json"));
  const auto bytes = pf_test::read_bytes(dir + "/model-q8_0.gguf");
  const pf::GgufFile file = pf::GgufFile::parse(bytes.data(), bytes.size());
  CHECK(pf::default_weight_format(file) == pf::WeightFormat::kInt8);
  auto t = pf::TextGeneration::load_gguf(bytes.data(), bytes.size(), nullptr);
  CHECK(t->model().format() == pf::WeightFormat::kInt8);
  const std::vector<int32_t> prompt = ref["prompt"].get<std::vector<int32_t>>();
  const auto logits = t->model().forward(prompt.data(), prompt.size(), 0);
  const float rel = max_abs_diff(logits, ref["prompt_logits"]) / spread(ref["prompt_logits"]);
  WARN("tiny-llama Q8_0 GGUF (int8 runtime): max |logit diff| / logit spread " << rel);
  CHECK(rel < 0.05f);
}
