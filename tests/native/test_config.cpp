#include <catch2/catch.hpp>

#include <string>

#include "core/error.h"
#include "formats/model_config.h"

namespace {

std::string config_with(const std::string& extra) {
  std::string base =
      R"({"model_type":"bert","vocab_size":100,"hidden_size":64,"num_hidden_layers":2,)"
      R"("num_attention_heads":4,"intermediate_size":128,"max_position_embeddings":64)";
  return base + extra + "}";
}

std::string config_error(const std::string& json, pf::ErrorCode* code = nullptr) {
  try {
    pf::parse_encoder_config(json);
  } catch (const pf::Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("config.json: valid BERT config") {
  const auto c = pf::parse_encoder_config(config_with(R"(,"layer_norm_eps":1e-5)"));
  CHECK(c.hidden_size == 64);
  CHECK(c.head_dim() == 16);
  CHECK(c.type_vocab_size == 2);
  CHECK(c.layer_norm_eps == Approx(1e-5));
}

TEST_CASE("config.json: bad configs name the field") {
  CHECK_THAT(config_error("{oops"), Catch::Contains("not valid JSON"));
  CHECK_THAT(config_error(R"({"model_type":"bert"})"), Catch::Contains("vocab_size"));
  CHECK_THAT(config_error(config_with(R"(,"num_attention_heads":5)")),
             Catch::Contains("num_attention_heads"));
  CHECK_THAT(config_error(config_with(R"(,"num_hidden_layers":1000000)")),
             Catch::Contains("num_hidden_layers"));
  CHECK_THAT(config_error(config_with(R"(,"hidden_size":-64)")), Catch::Contains("hidden_size"));
  CHECK_THAT(config_error(config_with(R"(,"hidden_size":18446744073709551615)")),
             Catch::Contains("hidden_size"));
  CHECK_THAT(config_error(config_with(R"(,"hidden_size":"64")")), Catch::Contains("hidden_size"));
  CHECK_THAT(config_error(config_with(R"(,"layer_norm_eps":-1)")),
             Catch::Contains("layer_norm_eps"));
  pf::ErrorCode code = pf::ErrorCode::kInternal;
  CHECK_THAT(config_error(config_with(R"(,"model_type":"gpt2")"), &code), Catch::Contains("gpt2"));
  CHECK(code == pf::ErrorCode::kUnsupportedArchitecture);
  CHECK_THAT(config_error(R"({"vocab_size":100})", &code), Catch::Contains("model_type"));
  CHECK(code == pf::ErrorCode::kUnsupportedArchitecture);
  CHECK_THAT(config_error(config_with(R"(,"hidden_act":"relu")"), &code), Catch::Contains("relu"));
  CHECK(code == pf::ErrorCode::kUnsupported);  // a feature, not the architecture
}

TEST_CASE("config.json: DistilBERT names its fields differently") {
  const std::string distil =
      R"({"model_type":"distilbert","vocab_size":100,"dim":64,"n_layers":2,"n_heads":4,)"
      R"("hidden_dim":128,"max_position_embeddings":64,"activation":"gelu"})";
  const auto c = pf::parse_encoder_config(distil);
  CHECK(c.hidden_size == 64);
  CHECK(c.num_hidden_layers == 2);
  CHECK(c.num_attention_heads == 4);
  CHECK(c.intermediate_size == 128);
  CHECK(c.type_vocab_size == 0);
  CHECK_THAT(config_error(R"({"model_type":"distilbert","vocab_size":100,"n_layers":2,"n_heads":4,)"
                          R"("hidden_dim":128,"max_position_embeddings":64})"),
             Catch::Contains("'dim'"));
  CHECK_THAT(config_error(R"({"model_type":"distilbert","vocab_size":100,"dim":64,"n_layers":2,)"
                          R"("n_heads":5,"hidden_dim":128,"max_position_embeddings":64})"),
             Catch::Contains("n_heads"));
  CHECK_THAT(config_error(R"({"model_type":"distilbert","vocab_size":100,"dim":64,"n_layers":2,)"
                          R"("n_heads":4,"hidden_dim":128,"max_position_embeddings":64,"activation":"relu"})"),
             Catch::Contains("activation"));
}
