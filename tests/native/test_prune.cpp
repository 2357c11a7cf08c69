// `pocketformer prune`'s library side (convert/prune.h): pruning nothing
// changes nothing; magnitude pruning picks exactly what the independent
// numpy pruner (tests/reference/prune_hf_style.py) picks, tensor for tensor,
// so the pruned model matches that model's PyTorch reference; the report's
// numbers are recomputed here from the files.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>

#include "convert/prune.h"
#include "core/error.h"
#include "formats/safetensors.h"
#include "tasks/feature_extraction.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;

using Model = pf_test::EncoderFiles;

Model read_model(const std::string& name) { return pf_test::read_encoder_dir(name); }

pf::PruneResult prune(const Model& m, double heads, double ffn,
                      std::vector<std::string> samples = {}) {
  pf::PruneOptions o;
  o.heads_fraction = heads;
  o.ffn_fraction = ffn;
  o.samples = std::move(samples);
  return pf::prune_encoder(m.config, m.weights, m.vocab, o);
}

uint64_t count_params(const std::vector<uint8_t>& bytes) {
  const pf::SafetensorsFile f = pf::SafetensorsFile::parse(bytes.data(), bytes.size());
  uint64_t n = 0;
  for (const auto& entry : f.tensors()) {
    uint64_t e = 1;
    for (int64_t d : entry.second.shape) e *= (uint64_t)d;
    n += e;
  }
  return n;
}

std::unique_ptr<pf::FeatureExtractor> load(const std::string& config, const std::vector<uint8_t>& w,
                                           const std::string& vocab) {
  return pf::FeatureExtractor::load(config, w.data(), w.size(), vocab);
}

}  // namespace

TEST_CASE("prune 0%: the same tensors, identical outputs, a report of no change", "[prune]") {
  // F32 BERT and BF16 DistilBERT (tensors keep their stored dtype).
  const std::string name = GENERATE(as<std::string>(), "tiny-bert-3l", "tiny-distilbert-3l");
  INFO(name);
  const Model m = read_model(name);
  const pf::PruneResult r = prune(m, 0.0, 0.0);
  pf_test::check_same_tensors(r.checkpoint.safetensors, m.weights);
  CHECK(json::parse(r.checkpoint.config_json)["pruned_heads"] == json::object());
  const auto a = load(m.config, m.weights, m.vocab);
  const auto b = load(r.checkpoint.config_json, r.checkpoint.safetensors, m.vocab);
  const std::vector<std::string> texts = {"The cat sat on the mat.", "hello world, again"};
  const auto ea = a->run(texts, pf::Pooling::kNone, false), eb = b->run(texts, pf::Pooling::kNone, false);
  CHECK(ea.data == eb.data);  // bitwise
  CHECK(r.report.cosine_min >= 1.0 - 1e-12);
  CHECK(r.report.params_after == r.report.params_before);
  CHECK(r.report.bytes_after == r.checkpoint.safetensors.size());
  CHECK(r.report.heads_after == r.report.heads_before);
}

TEST_CASE("prune by magnitude = the numpy pruner, and matches its PyTorch reference", "[prune]") {
  struct Case {
    const char* source;
    const char* expected;  // prune_hf_style.py output with the same fractions
    double heads, ffn;
  };
  for (const Case& c : {Case{"tiny-bert-3l", "tiny-bert-pruned-mag", 0.5, 0.25},
                        Case{"tiny-bert-pruned", "tiny-bert-pruned-twice", 0.34, 0.1}}) {
    INFO(c.source << " -> " << c.expected);
    const Model src = read_model(c.source), want = read_model(c.expected);
    const pf::PruneResult r = prune(src, c.heads, c.ffn);
    pf_test::check_same_tensors(r.checkpoint.safetensors, want.weights);
    const json got_cfg = json::parse(r.checkpoint.config_json);
    CHECK(got_cfg["pruned_heads"] == json::parse(want.config)["pruned_heads"]);
    CHECK(got_cfg["pocketformer_pruning"]["method"] == "magnitude");

    // The pruned checkpoint against the reference of the numpy-pruned one.
    const json ref = json::parse(pf_test::read_text(pf_test::testdata_dir() + "/" + c.expected +
                                                    "/reference.json"));
    const auto fe = load(r.checkpoint.config_json, r.checkpoint.safetensors, src.vocab);
    for (const json& tc : ref["cases"]) {
      const auto out = fe->run({tc["text"].get<std::string>()}, pf::Pooling::kNone, false);
      const auto& want_h = tc["last_hidden_state"];
      REQUIRE(out.data.size() == want_h.size());
      float err = 0;
      for (size_t i = 0; i < want_h.size(); ++i) {
        err = std::max(err, (float)std::fabs(out.data[i] - want_h[i].get<double>()));
      }
      CHECK(err <= 1e-4f);
    }

    // Report: sizes and parameter counts recomputed from the checkpoints.
    CHECK(r.report.bytes_before == src.weights.size());
    CHECK(r.report.bytes_after == r.checkpoint.safetensors.size());
    CHECK(r.report.params_before == count_params(src.weights));
    CHECK(r.report.params_after == count_params(want.weights));
    for (size_t l = 0; l < 3; ++l) {
      CHECK(r.report.heads_after[l] == (int64_t)fe->model().layer_heads(l));
      CHECK(r.report.ffn_after[l] == (int64_t)fe->model().layer_ffn_width(l));
    }
    CHECK(r.report.cosine_mean < 1.0);
    CHECK(r.report.cosine_min <= r.report.cosine_mean);
    CHECK(r.report.tokens_per_s_before > 0);
    CHECK(r.report.tokens_per_s_after > 0);
    const json rj = json::parse(r.report.to_json());
    CHECK(rj["bytes_after"] == r.checkpoint.safetensors.size());
    CHECK(rj["argmax_agreement"].is_null());
  }
}

TEST_CASE("prune DistilBERT (BF16): smaller layers that load, dtype kept", "[prune]") {
  const Model m = read_model("tiny-distilbert-3l");
  const pf::PruneResult r = prune(m, 0.25, 0.5);
  const auto fe = load(r.checkpoint.config_json, r.checkpoint.safetensors, m.vocab);
  for (size_t l = 0; l < 3; ++l) {
    CHECK(fe->model().layer_heads(l) == 3);
    CHECK(fe->model().layer_ffn_width(l) == 64);
  }
  const pf::SafetensorsFile f =
      pf::SafetensorsFile::parse(r.checkpoint.safetensors.data(), r.checkpoint.safetensors.size());
  for (const auto& entry : f.tensors()) CHECK(entry.second.dtype == pf::DType::kBF16);
  CHECK(r.report.cosine_mean > 0.0);
  CHECK(r.report.params_after == count_params(r.checkpoint.safetensors));
}

TEST_CASE("prune by activations on sample text", "[prune]") {
  const Model m = read_model("tiny-bert-3l");
  const std::vector<std::string> samples = {"the cat sat on the mat", "a quick brown fox jumps",
                                            "we will go home after school"};
  const pf::PruneResult r = prune(m, 0.5, 0.5, samples);
  CHECK(r.report.method == "activation");
  CHECK(r.report.samples == samples.size());
  CHECK(r.report.heads_after == std::vector<int64_t>{2, 2, 2});
  CHECK(r.report.ffn_after == std::vector<int64_t>{64, 64, 64});
  const pf::PruneResult again = prune(m, 0.5, 0.5, samples);
  CHECK(again.checkpoint.safetensors == r.checkpoint.safetensors);  // deterministic
  // Data-dependent: not the magnitude choice on this model.
  CHECK(prune(m, 0.5, 0.5).checkpoint.safetensors != r.checkpoint.safetensors);
  const auto fe = load(r.checkpoint.config_json, r.checkpoint.safetensors, m.vocab);
  CHECK(fe->model().layer_heads(0) == 2);
}

TEST_CASE("prune a classifier: argmax agreement reported", "[prune]") {
  const Model m = read_model("tiny-heads/bert-seq-cls");
  const pf::PruneResult none = prune(m, 0.0, 0.0);
  CHECK(none.report.has_classifier);
  CHECK(none.report.argmax_agreement == 1.0);
  const pf::PruneResult r = prune(m, 0.25, 0.5);
  CHECK(r.report.has_classifier);
  CHECK(r.report.argmax_agreement >= 0.0);
  CHECK(r.report.argmax_agreement <= 1.0);
  CHECK(json::parse(r.report.to_json())["argmax_agreement"].is_number());
}

TEST_CASE("prune: fractions outside [0, 1) or removing a whole layer are refused", "[prune]") {
  const Model m = read_model("tiny-bert-3l");  // 4 heads, FFN 128 per layer
  struct Case {
    double heads, ffn;
    const char* message;
  };
  for (const Case& c : {Case{1.0, 0.0, "outside [0, 1)"}, Case{-0.1, 0.0, "outside [0, 1)"},
                        Case{0.0, std::nan(""), "outside [0, 1)"},
                        Case{0.9, 0.0, "removes all 4 of layer 0"},
                        Case{0.0, 0.999, "removes all 128 of layer 0"}}) {
    INFO(c.heads << " " << c.ffn);
    try {
      prune(m, c.heads, c.ffn);
      FAIL("no error");
    } catch (const pf::Error& e) {
      CHECK(e.code() == pf::ErrorCode::kInvalidArgument);
      CHECK_THAT(e.what(), Catch::Contains(c.message));
    }
  }
}
