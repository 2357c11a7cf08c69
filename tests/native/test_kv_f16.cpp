// The f16 KV cache (KvDtype::kF16: keys/values stored as IEEE half,
// attention in f32): half the cache memory, logits close to the PyTorch
// reference on the tiny decoders, greedy continuations that agree, and the
// stories260K golden text.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "formats/llama2c.h"
#include "tasks/text_generation.h"
#include "decoder_test_helpers.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;
using pf_test::max_abs_diff;
using pf_test::argmax;

std::unique_ptr<pf::TextGeneration> load_tiny(const std::string& dir, pf::KvDtype kv) {
  const auto st = pf_test::read_bytes(dir + "/model.safetensors");
  return pf::TextGeneration::load_hf(pf_test::read_text(dir + "/config.json"), st.data(),
                                     st.size(), pf::WeightFormat::kF32, 0, {}, kv);
}

}  // namespace

TEST_CASE("f16 KV cache: half the memory, logits near the reference, greedy agreement",
          "[kv_f16]") {
  const std::string name = GENERATE(as<std::string>(), "tiny-llama", "tiny-llama-tied",
                                    "tiny-qwen2", "tiny-gpt2", "tiny-llama-rope-dynamic");
  const std::string dir = pf_test::testdata_dir() + "/" + name;
  INFO(name << " (generate with: bash scripts/make-testdata.sh)");
  REQUIRE(pf_test::file_exists(dir + "/reference.json"));
  const json ref = json::parse(pf_test::read_text(dir + "/reference.json"));
  auto f32 = load_tiny(dir, pf::KvDtype::kF32);
  auto f16 = load_tiny(dir, pf::KvDtype::kF16);
  CHECK(f16->model().config().kv_dtype == pf::KvDtype::kF16);
  CHECK(f16->model().kv_cache_bytes() * 2 == f32->model().kv_cache_bytes());

  // Teacher-forced logits against the float64 reference. Half keeps 11
  // significant bits (relative error <= 2^-12 per key/value), so the bound
  // is relative to the logits' spread: 0.5% of it.
  const auto prompt = ref["prompt"].get<std::vector<int32_t>>();
  const auto continuation = ref["continuation"].get<std::vector<int32_t>>();
  double lo = 1e30, hi = -1e30;
  for (const json& v : ref["prompt_logits"]) lo = std::min(lo, v.get<double>()), hi = std::max(hi, v.get<double>());
  float worst = max_abs_diff(f16->model().forward(prompt.data(), prompt.size(), 0),
                             ref["prompt_logits"]);
  size_t pos = prompt.size();
  for (size_t i = 0; i < continuation.size(); ++i, ++pos) {
    worst = std::max(worst, max_abs_diff(f16->model().forward(&continuation[i], 1, pos),
                                         ref["step_logits"][i]));
  }
  CHECK(worst <= 0.005 * (hi - lo));

  // Free-running greedy: tokens equal to the reference before the first
  // difference (a flip is possible only where the reference's top-2 gap is
  // below the error above).
  f16->model().reset();
  std::vector<float> logits = f16->model().forward(prompt.data(), prompt.size(), 0);
  pos = prompt.size();
  size_t agree = 0;
  while (agree < continuation.size() && argmax(logits) == continuation[agree]) {
    logits = f16->model().forward(&continuation[agree], 1, pos++);
    ++agree;
  }
  WARN(name << " f16 KV: max |logit diff| " << worst << " (logit spread " << hi - lo
            << ", reference min top-2 gap " << ref["min_top2_gap"].get<double>() << "); greedy "
            << agree << "/64 tokens equal");
  if (ref["min_top2_gap"].get<double>() > 2 * worst) CHECK(agree == continuation.size());
}

TEST_CASE("stories260K with an f16 KV cache against llama2.c's golden text", "[kv_f16][llama2c]") {
  const std::string dir = pf_test::fixtures_dir() + "/models/stories260K";
  if (!pf_test::file_exists(dir + "/stories260K.bin")) {
    WARN("skipped: " << dir << " absent (see ../shared/fixtures/README.md)");
    return;
  }
  const auto bytes = pf_test::read_bytes(dir + "/stories260K.bin");
  const auto tok = pf_test::read_bytes(dir + "/tok512.bin");
  const std::string golden = pf_test::read_text(dir + "/golden_check.txt");
  auto run = [&](pf::KvDtype kv, std::string* text) {
    auto t = pf::TextGeneration::load_llama2c(bytes.data(), bytes.size(), tok.data(), tok.size(),
                                              pf::WeightFormat::kF32, 0, kv);
    // run.c -t 0 -n 200: 200 greedy steps from BOS, each printed with decode(prev, next).
    std::vector<int32_t> ids;
    int32_t token = 1;
    for (size_t p = 0; p < 200; ++p) {
      const int32_t next = argmax(t->model().forward(&token, 1, p));
      if (next == 1) break;
      *text += t->tokenizer().sentencepiece()->decode_token(token, next);
      ids.push_back(next);
      token = next;
    }
    return ids;
  };
  std::string text32, text16;
  const std::vector<int32_t> f32 = run(pf::KvDtype::kF32, &text32);
  const std::vector<int32_t> f16 = run(pf::KvDtype::kF16, &text16);
  REQUIRE(text32 == golden);
  size_t agree = 0;
  while (agree < f16.size() && agree < f32.size() && f16[agree] == f32[agree]) ++agree;
  WARN("stories260K f16 KV: " << agree << "/" << f32.size()
                              << " greedy tokens equal to the golden run; text "
                              << (text16 == golden ? "identical" : "differs"));
  CHECK(agree >= 150);
}
