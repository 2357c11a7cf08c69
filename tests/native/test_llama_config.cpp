// HF config.json -> DecoderConfig for Llama and Qwen2, and its rejections.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "formats/decoder_config.h"
#include "kernels/rope.h"

namespace {

using nlohmann::json;

json llama_config() {
  return json::parse(R"({
    "model_type": "llama", "vocab_size": 32000, "hidden_size": 2048,
    "intermediate_size": 5632, "num_hidden_layers": 22, "num_attention_heads": 32,
    "num_key_value_heads": 4, "max_position_embeddings": 2048, "rms_norm_eps": 1e-05,
    "rope_theta": 10000.0, "tie_word_embeddings": false, "hidden_act": "silu",
    "bos_token_id": 1, "eos_token_id": 2, "rope_scaling": null})");
}

pf::ErrorCode error_code(const json& cfg) {
  try {
    pf::parse_decoder_config(cfg.dump());
  } catch (const pf::Error& e) {
    return e.code();
  }
  FAIL("config accepted: " << cfg.dump());
  return pf::ErrorCode::kInternal;
}

}  // namespace

TEST_CASE("Decoder config: TinyLlama-like Llama and Qwen2", "[llama]") {
  const pf::DecoderConfig c = pf::parse_decoder_config(llama_config().dump());
  CHECK(c.model_type == "llama");
  CHECK(c.head_dim == 64);
  CHECK(c.n_kv_heads == 4);
  CHECK(c.kv_dim() == 256);
  CHECK(c.max_context == 2048);
  CHECK(c.rope_layout == pf::RopeLayout::kHalfSplit);
  CHECK_FALSE(c.tied_embeddings);
  CHECK_FALSE(c.attention_bias);
  CHECK(c.eos_token_ids == std::vector<int64_t>{2});
  CHECK(pf::parse_decoder_config(llama_config().dump(), 512).max_context == 512);
  CHECK(pf::parse_decoder_config(llama_config().dump(), 99999).max_context == 2048);

  json q = json::parse(R"({
    "model_type": "qwen2", "vocab_size": 151936, "hidden_size": 896,
    "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14,
    "num_key_value_heads": 2, "max_position_embeddings": 32768, "rms_norm_eps": 1e-06,
    "rope_theta": 1000000.0, "tie_word_embeddings": true, "hidden_act": "silu",
    "bos_token_id": 151643, "eos_token_id": [151645, 151643], "use_sliding_window": false})");
  const pf::DecoderConfig qc = pf::parse_decoder_config(q.dump());
  CHECK(qc.head_dim == 64);
  CHECK(qc.attention_bias);
  CHECK(qc.tied_embeddings);
  CHECK(qc.rope_theta == 1e6f);
  CHECK(qc.rms_eps == 1e-6f);
  CHECK(qc.eos_token_ids == std::vector<int64_t>{151645, 151643});
}

TEST_CASE("Decoder config rejects unusable values", "[llama]") {
  auto with = [](const char* key, json value) {
    json c = llama_config();
    c[key] = value;
    return c;
  };
  auto without = [](const char* key) {
    json c = llama_config();
    c.erase(key);
    return c;
  };
  const auto bad = pf::ErrorCode::kBadConfig, unsupported = pf::ErrorCode::kUnsupported;
  CHECK_THROWS_AS(pf::parse_decoder_config("{not json"), pf::Error);
  CHECK(error_code(json::array()) == bad);
  const auto architecture = pf::ErrorCode::kUnsupportedArchitecture;
  CHECK(error_code(with("model_type", "gpt_neox")) == architecture);
  CHECK(error_code(with("model_type", "bert")) == architecture);  // an encoder, not a decoder
  CHECK(error_code(without("model_type")) == architecture);
  CHECK(error_code(without("hidden_size")) == bad);
  CHECK(error_code(with("hidden_size", -64)) == bad);
  CHECK(error_code(with("hidden_size", "2048")) == bad);
  CHECK(error_code(with("hidden_size", 2047)) == bad);          // not a multiple of 32 heads
  CHECK(error_code(with("num_key_value_heads", 5)) == bad);     // 32 % 5
  CHECK(error_code(with("num_key_value_heads", 64)) == bad);    // more KV than query heads
  CHECK(error_code(with("num_attention_heads", 0)) == bad);
  CHECK(error_code(with("vocab_size", 1ull << 40)) == bad);
  CHECK(error_code(with("num_hidden_layers", 100000)) == bad);
  CHECK(error_code(with("rope_theta", -1.0)) == bad);
  CHECK(error_code(with("rope_theta", "big")) == bad);
  CHECK(error_code(with("rms_norm_eps", 0)) == bad);
  CHECK(error_code(with("tie_word_embeddings", "yes")) == bad);
  CHECK(error_code(with("eos_token_id", 32000)) == bad);
  CHECK(error_code(with("eos_token_id", json::array({1, "x"}))) == bad);
  CHECK(error_code(with("bos_token_id", -3)) == bad);
  CHECK(error_code(with("head_dim", 63)) == bad);               // odd: RoPE needs pairs
  CHECK(error_code(with("hidden_act", "gelu")) == unsupported);
  // llama3 without its band fields, unknown types, factors below 1.
  CHECK(error_code(with("rope_scaling", json{{"rope_type", "llama3"}, {"factor", 8.0}})) == bad);
  CHECK(error_code(with("rope_scaling", json{{"rope_type", "longrope"}, {"factor", 2.0}})) ==
        unsupported);
  CHECK(error_code(with("rope_scaling", json{{"type", "linear"}})) == bad);
  CHECK(error_code(with("rope_scaling", json{{"type", "linear"}, {"factor", 0.5}})) == bad);
  CHECK(error_code(with("rope_scaling", json{{"type", "linear"}, {"factor", "2"}})) == bad);
  CHECK(error_code(with("rope_scaling", "linear")) == bad);
  CHECK(error_code(with("rope_scaling", json{{"rope_type", "llama3"}, {"factor", 8.0},
                                             {"low_freq_factor", 4.0}, {"high_freq_factor", 1.0},
                                             {"original_max_position_embeddings", 8192}})) == bad);
}

TEST_CASE("Decoder config: rope_scaling types", "[llama][rope]") {
  auto with_scaling = [](json rs, int64_t max_context = 0) {
    json c = llama_config();
    c["rope_scaling"] = rs;
    return pf::parse_decoder_config(c.dump(), max_context);
  };
  using T = pf::RopeScaling::Type;
  CHECK(with_scaling(json{{"rope_type", "default"}}).rope_scaling.type == T::kNone);
  CHECK(with_scaling(json::object()).rope_scaling.type == T::kNone);
  const pf::DecoderConfig lin = with_scaling(json{{"type", "linear"}, {"factor", 2.0}});
  CHECK(lin.rope_scaling.type == T::kLinear);
  CHECK(lin.rope_scaling.factor == 2.0);
  CHECK(lin.max_context == 2048);  // max_position_embeddings already counts the extension
  // Dynamic NTK runs past max_position_embeddings: the cache may hold factor times it.
  const pf::DecoderConfig dyn = with_scaling(json{{"rope_type", "dynamic"}, {"factor", 4}});
  CHECK(dyn.rope_scaling.type == T::kDynamic);
  CHECK(dyn.rope_scaling.original_max_positions == 2048);
  CHECK(dyn.max_context == 8192);
  CHECK(with_scaling(json{{"rope_type", "dynamic"}, {"factor", 4}}, 3000).max_context == 3000);
  // Llama 3.1's published values.
  const pf::DecoderConfig l3 = with_scaling(
      json{{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
           {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}});
  CHECK(l3.rope_scaling.type == T::kLlama3);
  CHECK(l3.rope_scaling.original_max_positions == 8192);
  CHECK(l3.max_context == 2048);
  // YaRN's default attention factor 0.1 ln(factor) + 1, or the given one.
  const pf::DecoderConfig y = with_scaling(
      json{{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 1024}});
  CHECK(y.rope_scaling.type == T::kYarn);
  CHECK(y.rope_scaling.attention_factor == Approx(0.1 * std::log(4.0) + 1.0));
  CHECK(y.rope_scaling.original_max_positions == 1024);
  CHECK(y.max_context == 4096);
  CHECK(with_scaling(json{{"rope_type", "yarn"}, {"factor", 4.0}, {"attention_factor", 1.5}})
            .rope_scaling.attention_factor == 1.5);
}

TEST_CASE("RoPE inverse frequencies of the scaling types", "[llama][rope]") {
  pf::RopeScaling none;
  const std::vector<float> base = pf::rope_inv_freq(16, 10000.f, none);
  REQUIRE(base.size() == 8);
  CHECK(base[0] == 1.f);
  CHECK(base[1] == Approx(std::pow(10000.0, -2.0 / 16)).epsilon(1e-6));
  pf::RopeScaling lin;
  lin.type = pf::RopeScaling::Type::kLinear;
  lin.factor = 2.0;
  const std::vector<float> l = pf::rope_inv_freq(16, 10000.f, lin);
  for (size_t i = 0; i < 8; ++i) CHECK(l[i] == Approx(base[i] / 2).epsilon(1e-6));
  // Dynamic: unscaled up to the trained length, a larger base past it.
  pf::RopeScaling dyn;
  dyn.type = pf::RopeScaling::Type::kDynamic;
  dyn.factor = 4.0;
  dyn.original_max_positions = 32;
  CHECK(pf::rope_inv_freq(16, 10000.f, dyn, 32) == base);
  const std::vector<float> d64 = pf::rope_inv_freq(16, 10000.f, dyn, 64);
  const double base64 = 10000.0 * std::pow(4.0 * 64 / 32 - 3.0, 16.0 / 14.0);
  CHECK(d64[0] == 1.f);
  CHECK(d64[3] == Approx(std::pow(base64, -6.0 / 16)).epsilon(1e-5));
  // Llama 3: high frequencies kept, low ones divided by factor.
  pf::RopeScaling l3;
  l3.type = pf::RopeScaling::Type::kLlama3;
  l3.factor = 8.0;
  l3.original_max_positions = 64;
  const std::vector<float> f3 = pf::rope_inv_freq(16, 10000.f, l3);
  CHECK(f3[0] == base[0]);          // wavelength 6.3 < 64 / 4
  CHECK(f3[7] == base[7] / 8.f);    // wavelength 19000 > 64
  CHECK(f3[1] < base[1]);           // wavelength 20: the blended band
  CHECK(f3[1] > base[1] / 8.f);
  // GGUF's per-frequency divisors.
  pf::RopeScaling ff;
  ff.freq_factors.assign(8, 2.f);
  const std::vector<float> g = pf::rope_inv_freq(16, 10000.f, ff);
  for (size_t i = 0; i < 8; ++i) CHECK(g[i] == base[i] / 2.f);
}
