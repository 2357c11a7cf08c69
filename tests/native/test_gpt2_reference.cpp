// The C++ GPT-2 decoder against the independent PyTorch reference
// (tests/reference/gpt2_reference.py) on seeded random HF-layout models:
// bare F32 GPT2Model names, a "transformer."-prefixed F16 GPT2LMHeadModel
// with the old attn.bias buffers, and an untied model with erf GELU and a
// custom n_inner.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "formats/decoder_config.h"
#include "formats/safetensors.h"
#include "kernels/runtime.h"
#include "models/gpt2.h"
#include "models/hf_gpt2_weights.h"
#include "tasks/text_generation.h"
#include "decoder_test_helpers.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;
using pf_test::max_abs_diff;
using pf_test::argmax;

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  float m = 0.f;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

std::unique_ptr<pf::Gpt2Model> load_gpt2(const std::string& dir, pf::WeightFormat format,
                                         int64_t max_context = 0) {
  const auto bytes = pf_test::read_bytes(dir + "/model.safetensors");
  const auto file = pf::SafetensorsFile::parse(bytes.data(), bytes.size());
  const pf::DecoderConfig config =
      pf::parse_decoder_config(pf_test::read_text(dir + "/config.json"), max_context);
  return pf::Gpt2Model::load(config, pf::HfGpt2Weights(config, file), format);
}

json load_reference(const std::string& dir) {
  INFO("generate with: npm run testdata (missing " << dir << "/reference.json)");
  REQUIRE(pf_test::file_exists(dir + "/reference.json"));
  return json::parse(pf_test::read_text(dir + "/reference.json"));
}

}  // namespace

TEST_CASE("GPT-2 f32 logits match the PyTorch reference within 1e-4", "[gpt2]") {
  const std::string name =
      GENERATE(as<std::string>(), "tiny-gpt2", "tiny-gpt2-f16", "tiny-gpt2-untied");
  const size_t threads = GENERATE(1, 2);
  const std::string dir = pf_test::testdata_dir() + "/" + name;
  const json ref = load_reference(dir);
  pf::set_num_threads(threads);
  auto model = load_gpt2(dir, pf::WeightFormat::kF32);
  INFO(name << ", threads " << threads);
  pf_test::check_against_reference(*model, ref, name + " threads " + std::to_string(threads));
  pf::set_num_threads(1);
}

TEST_CASE("GPT-2 prefill equals token-by-token decode, and rewinding recomputes", "[gpt2]") {
  const std::string dir = pf_test::testdata_dir() + "/tiny-gpt2";
  const json ref = load_reference(dir);
  std::vector<int32_t> seq = ref["prompt"].get<std::vector<int32_t>>();
  const auto continuation = ref["continuation"].get<std::vector<int32_t>>();
  seq.insert(seq.end(), continuation.begin(), continuation.begin() + 20);
  auto model = load_gpt2(dir, pf::WeightFormat::kF32);

  const std::vector<float> batched = model->forward(seq.data(), seq.size(), 0);
  model->reset();
  std::vector<float> stepped;
  for (size_t i = 0; i < seq.size(); ++i) stepped = model->forward(&seq[i], 1, i);
  const float err = max_abs_diff(batched, stepped);
  WARN("prefill vs token-by-token: max abs logit difference " << err);
  CHECK(err <= 1e-5f);

  // Rewind to position 5 and prefill the rest in two chunks.
  std::vector<float> chunked = model->forward(seq.data() + 5, 10, 5);
  chunked = model->forward(seq.data() + 15, seq.size() - 15, 15);
  CHECK(max_abs_diff(batched, chunked) <= 1e-5f);
  CHECK(model->cached_tokens() == seq.size());
}

TEST_CASE("GPT-2 context limit and bad forward arguments", "[gpt2]") {
  const std::string dir = pf_test::testdata_dir() + "/tiny-gpt2";
  load_reference(dir);
  auto model = load_gpt2(dir, pf::WeightFormat::kF32, /*max_context=*/16);
  CHECK(model->config().max_context == 16);
  CHECK(model->config().max_positions == 128);
  std::vector<int32_t> ids(16, 7);
  model->forward(ids.data(), 16, 0);  // exactly full is fine
  auto code_of = [&](const std::vector<int32_t>& t, size_t start) {
    try {
      model->forward(t.data(), t.size(), start);
    } catch (const pf::Error& e) {
      INFO(e.what());
      return e.code();
    }
    FAIL("forward accepted " << t.size() << " tokens at " << start);
    return pf::ErrorCode::kInternal;
  };
  try {
    model->forward(ids.data(), 1, 16);
    FAIL("17th token accepted");
  } catch (const pf::Error& e) {
    CHECK(e.code() == pf::ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find("context full (16 tokens)") != std::string::npos);
  }
  CHECK(model->cached_tokens() == 16);  // unchanged by the rejected call
  CHECK(code_of(std::vector<int32_t>(17, 1), 0) == pf::ErrorCode::kInvalidArgument);
  CHECK(code_of({300}, 0) == pf::ErrorCode::kInvalidArgument);  // vocab is 300
  CHECK(code_of({-1}, 0) == pf::ErrorCode::kInvalidArgument);
  CHECK(code_of({}, 0) == pf::ErrorCode::kInvalidArgument);
  model->reset();
  CHECK(code_of({1}, 1) == pf::ErrorCode::kInvalidArgument);  // past the cache

  // Without a cap the context is the learned position table (n_positions).
  CHECK(load_gpt2(dir, pf::WeightFormat::kF32)->config().max_context == 128);
}

TEST_CASE("GPT-2 quantized paths stay close to the reference", "[gpt2]") {
  const std::string dir = pf_test::testdata_dir() + "/tiny-gpt2";
  const json ref = load_reference(dir);
  const auto prompt = ref["prompt"].get<std::vector<int32_t>>();
  const auto continuation = ref["continuation"].get<std::vector<int32_t>>();
  const json& want = ref["prompt_logits"];
  double lo = 1e30, hi = -1e30;
  for (const json& v : want) lo = std::min(lo, v.get<double>()), hi = std::max(hi, v.get<double>());
  for (pf::WeightFormat format : {pf::WeightFormat::kInt8, pf::WeightFormat::kInt4}) {
    auto model = load_gpt2(dir, format);
    const float err = max_abs_diff(model->forward(prompt.data(), prompt.size(), 0), want);
    // Teacher-forced top-1 agreement with the reference over the 64 steps.
    size_t agree = 0, pos = prompt.size();
    for (size_t i = 0; i < continuation.size(); ++i, ++pos) {
      const auto logits = model->forward(&continuation[i], 1, pos);
      agree += argmax(logits) == argmax(ref["step_logits"][i].get<std::vector<float>>());
    }
    WARN(pf::weight_format_name(format) << ": max abs prompt logit error " << err
                                        << " (logit range " << hi - lo << "), top-1 agreement "
                                        << agree << "/" << continuation.size());
    // Relative to the logits' spread: dynamic int8 activations and
    // per-channel weights give ~1% errors; 4-bit ~10%.
    CHECK(err <= (format == pf::WeightFormat::kInt8 ? 0.05 : 0.25) * (hi - lo));
    CHECK(model->weight_bytes() < load_gpt2(dir, pf::WeightFormat::kF32)->weight_bytes());
  }
}

TEST_CASE("TextGeneration::load_hf runs GPT-2 through the Generator", "[gpt2]") {
  const std::string dir = pf_test::testdata_dir() + "/tiny-gpt2-f16";
  const json ref = load_reference(dir);
  const auto bytes = pf_test::read_bytes(dir + "/model.safetensors");
  auto t = pf::TextGeneration::load_hf(pf_test::read_text(dir + "/config.json"), bytes.data(),
                                       bytes.size(), pf::WeightFormat::kF32);
  CHECK(t->model().config().model_type == "gpt2");
  CHECK_FALSE(t->has_tokenizer());
  const pf::GenerationOptions defaults = t->default_options();
  CHECK(defaults.eos_token_ids == std::vector<int32_t>{299});  // the config's eos_token_id
  pf::GenerationOptions o;
  o.sampling.temperature = 0.f;
  o.max_new_tokens = 64;
  const auto out = t->generator().generate(ref["prompt"].get<std::vector<int32_t>>(), o);
  CHECK(out == ref["continuation"].get<std::vector<int32_t>>());
  CHECK(t->generator().stop_reason() == pf::StopReason::kMaxNewTokens);
}
