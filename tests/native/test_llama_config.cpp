// HF config.json -> DecoderConfig for Llama and Qwen2, and its rejections.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "formats/decoder_config.h"

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
  CHECK(error_code(with("model_type", "gpt_neox")) == unsupported);
  CHECK(error_code(without("model_type")) == unsupported);
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
  CHECK(error_code(with("rope_scaling", json{{"rope_type", "llama3"}, {"factor", 8.0}})) ==
        unsupported);
}
