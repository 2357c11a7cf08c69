// The C++ Llama decoder against the independent PyTorch reference
// (tests/reference/llama_reference.py) on seeded random HF-layout models:
// GQA untied F32 Llama, MQA tied BF16 Llama, Qwen2 with q/k/v biases, and
// Llamas with each rope_scaling type (linear, dynamic NTK past the trained
// length, llama3, yarn).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "formats/decoder_config.h"
#include "formats/llama2c.h"
#include "formats/safetensors.h"
#include "kernels/runtime.h"
#include "models/hf_decoder_weights.h"
#include "models/llama.h"
#include "decoder_test_helpers.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;
using pf_test::max_abs_diff;
using pf_test::argmax;

std::unique_ptr<pf::LlamaModel> load_hf(const std::string& dir, pf::WeightFormat format) {
  const auto bytes = pf_test::read_bytes(dir + "/model.safetensors");
  const auto file = pf::SafetensorsFile::parse(bytes.data(), bytes.size());
  const pf::DecoderConfig config =
      pf::parse_decoder_config(pf_test::read_text(dir + "/config.json"));
  return pf::LlamaModel::load(config, pf::HfDecoderWeights(config, file), format);
}

}  // namespace

TEST_CASE("Llama / Qwen2 f32 logits match the PyTorch reference within 1e-4", "[llama]") {
  const std::string name =
      GENERATE(as<std::string>(), "tiny-llama", "tiny-llama-tied", "tiny-qwen2",
               "tiny-llama-rope-linear", "tiny-llama-rope-dynamic", "tiny-llama-rope-llama3",
               "tiny-llama-rope-yarn");
  const size_t threads = GENERATE(1, 2);
  const std::string dir = pf_test::testdata_dir() + "/" + name;
  INFO("generate with: npm run testdata (missing " << dir << "/reference.json)");
  REQUIRE(pf_test::file_exists(dir + "/reference.json"));
  const json ref = json::parse(pf_test::read_text(dir + "/reference.json"));
  pf::set_num_threads(threads);
  auto model = load_hf(dir, pf::WeightFormat::kF32);
  INFO(name << ", threads " << threads);
  pf_test::check_against_reference(*model, ref, name + " threads " + std::to_string(threads));
  pf::set_num_threads(1);
}

TEST_CASE("Llama quantized paths stay close to the reference", "[llama]") {
  const std::string dir = pf_test::testdata_dir() + "/tiny-llama";
  REQUIRE(pf_test::file_exists(dir + "/reference.json"));
  const json ref = json::parse(pf_test::read_text(dir + "/reference.json"));
  const auto prompt = ref["prompt"].get<std::vector<int32_t>>();
  for (pf::WeightFormat format : {pf::WeightFormat::kInt8, pf::WeightFormat::kInt4}) {
    auto model = load_hf(dir, format);
    const auto logits = model->forward(prompt.data(), prompt.size(), 0);
    // Relative to the logits' spread: dynamic int8 activations and
    // per-channel weights give ~1% errors; 4-bit ~10%.
    const json& want = ref["prompt_logits"];
    double lo = 1e30, hi = -1e30;
    for (const json& v : want) lo = std::min(lo, v.get<double>()), hi = std::max(hi, v.get<double>());
    const float err = max_abs_diff(logits, want);
    WARN(pf::weight_format_name(format) << ": max abs logit error " << err << " (logit range "
                                        << hi - lo << ")");
    CHECK(err <= (format == pf::WeightFormat::kInt8 ? 0.05 : 0.25) * (hi - lo));
  }
}

TEST_CASE("The same Llama as a llama2.c checkpoint (interleaved RoPE) matches the reference",
          "[llama][llama2c]") {
  // make_tiny_llama.py --llama2c writes tiny-llama's weights with q/k rows
  // permuted to llama2.c's interleaved pairs; the logits must not change.
  const std::string dir = pf_test::testdata_dir() + "/tiny-llama";
  INFO("generate with: npm run testdata");
  REQUIRE(pf_test::file_exists(dir + "/model.bin"));
  const json ref = json::parse(pf_test::read_text(dir + "/reference.json"));
  const auto bytes = pf_test::read_bytes(dir + "/model.bin");
  const auto ckpt = pf::Llama2cCheckpoint::parse(bytes.data(), bytes.size());
  REQUIRE(ckpt.config().rope_layout == pf::RopeLayout::kInterleaved);
  REQUIRE_FALSE(ckpt.config().tied_embeddings);
  auto model = pf::LlamaModel::load(ckpt.config(), ckpt);
  const auto prompt = ref["prompt"].get<std::vector<int32_t>>();
  const auto continuation = ref["continuation"].get<std::vector<int32_t>>();
  std::vector<float> logits = model->forward(prompt.data(), prompt.size(), 0);
  float worst = max_abs_diff(logits, ref["prompt_logits"]);
  size_t pos = prompt.size();
  for (size_t i = 0; i < continuation.size(); ++i) {
    INFO("step " << i);
    REQUIRE(argmax(logits) == continuation[i]);
    logits = model->forward(&continuation[i], 1, pos++);
    worst = std::max(worst, max_abs_diff(logits, ref["step_logits"][i]));
  }
  CHECK(worst <= 1e-4f);
  WARN("tiny-llama as llama2.c: max abs logit error " << worst);
}
