// Structurally pruned encoders at load time: per-layer head counts and FFN
// widths come from the weight shapes, config.json's pruned_heads must agree,
// and inconsistent files fail with BAD_CONFIG / CORRUPT_MODEL / UNSUPPORTED.
// (Their outputs against the PyTorch reference: test_bert_reference.cpp.)
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "formats/safetensors.h"
#include "formats/safetensors_writer.h"
#include "tasks/feature_extraction.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;

using Model = pf_test::EncoderFiles;

Model read_model(const std::string& name) { return pf_test::read_encoder_dir(name); }

// The error code and message loading `m` fails with ("" when it loads).
std::pair<std::string, std::string> load_error(const Model& m) {
  try {
    pf::FeatureExtractor::load(m.config, m.weights.data(), m.weights.size(), m.vocab);
  } catch (const pf::Error& e) {
    return {pf::error_code_name(e.code()), e.what()};
  }
  return {"", ""};
}

std::string with_pruned_heads(const std::string& config, const json& pruned_heads) {
  json c = json::parse(config);
  c["pruned_heads"] = pruned_heads;
  return c.dump();
}

// The checkpoint with `name`'s first dimension cut to `rows`.
std::vector<uint8_t> with_rows(const std::vector<uint8_t>& bytes, const std::string& name, int64_t rows) {
  const pf::SafetensorsFile f = pf::SafetensorsFile::parse(bytes.data(), bytes.size());
  std::map<std::string, pf::SafetensorsEntry> out;
  for (const auto& [n, t] : f.tensors()) {
    pf::SafetensorsEntry e{t.dtype, t.shape, std::vector<uint8_t>(t.data, t.data + t.nbytes)};
    if (n == name) {
      e.data.resize(e.data.size() / (size_t)t.shape[0] * (size_t)rows);
      e.shape[0] = rows;
    }
    out[n] = std::move(e);
  }
  return pf::write_safetensors(out);
}

}  // namespace

TEST_CASE("Pruned encoders: per-layer heads and FFN widths from the weights", "[prune]") {
  const Model m = read_model("tiny-bert-pruned");  // pruned_heads {1: [0, 2], 2: [3]}
  const auto fe = pf::FeatureExtractor::load(m.config, m.weights.data(), m.weights.size(), m.vocab);
  const pf::EncoderModel& model = fe->model();
  CHECK(model.config().pruned_heads == pf::PrunedHeads{{1, {0, 2}}, {2, {3}}});
  CHECK(model.layer_heads(0) == 4);
  CHECK(model.layer_heads(1) == 2);
  CHECK(model.layer_heads(2) == 3);
  CHECK(model.layer_ffn_width(0) == 128);
  CHECK(model.layer_ffn_width(1) == 100);
  CHECK(model.layer_ffn_width(2) == 77);

  const Model d = read_model("tiny-distilbert-pruned");  // {1: [1], 2: [0, 1, 3]}, FFN 128 128 33
  const auto fd = pf::FeatureExtractor::load(d.config, d.weights.data(), d.weights.size(), d.vocab);
  CHECK(fd->model().layer_heads(1) == 3);
  CHECK(fd->model().layer_heads(2) == 1);
  CHECK(fd->model().layer_ffn_width(2) == 33);
}

TEST_CASE("Pruned encoders: inconsistent pruning fails with a clear error", "[prune]") {
  const Model good = read_model("tiny-bert-pruned");
  const std::string q1 = "encoder.layer.1.attention.self.query.weight";
  struct Case {
    const char* what;
    Model model;
    const char* code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"pruned_heads disagrees with the weights",
       {with_pruned_heads(good.config, {{"1", {0}}, {"2", {3}}}), good.weights, good.vocab},
       "CORRUPT_MODEL", "pruned_heads removes 1 of 4 heads, leaving 3"},
      {"pruned_heads layer out of range",
       {with_pruned_heads(good.config, {{"1", {0, 2}}, {"2", {3}}, {"7", {0}}}), good.weights, good.vocab},
       "BAD_CONFIG", "names layer 7"},
      {"pruned_heads head out of range",
       {with_pruned_heads(good.config, {{"1", {0, 4}}}), good.weights, good.vocab},
       "BAD_CONFIG", "not a head index in [0, 4)"},
      {"pruned_heads key not a layer index",
       {with_pruned_heads(good.config, {{"one", {0}}}), good.weights, good.vocab},
       "BAD_CONFIG", "is not a layer index"},
      {"pruned_heads not an object",
       {with_pruned_heads(good.config, json::array({1, 2})), good.weights, good.vocab},
       "BAD_CONFIG", "is not an object"},
      {"query rows not whole heads",
       {good.config, with_rows(good.weights, q1, 40), good.vocab},
       "CORRUPT_MODEL", "must be [heads * 16, 64]"},
      {"key rows differ from query rows",
       {good.config, with_rows(good.weights, "encoder.layer.1.attention.self.key.weight", 16), good.vocab},
       "CORRUPT_MODEL", "has shape [16, 64] but config.json implies [32, 64]"},
      {"intermediate weight rows differ from its bias",
       {good.config, with_rows(good.weights, "encoder.layer.2.intermediate.dense.weight", 70), good.vocab},
       "CORRUPT_MODEL", "config.json implies [70]"},
      {"every head pruned",
       {with_pruned_heads(good.config, {{"1", {0, 1, 2, 3}}, {"2", {3}}}),
        with_rows(good.weights, q1, 0), good.vocab},
       "UNSUPPORTED", "every attention head is pruned"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const auto [code, message] = load_error(c.model);
    CHECK(code == c.code);
    CHECK_THAT(message, Catch::Contains(c.message));
  }
  CHECK(load_error(good).first.empty());
}
