// `pocketformer prune` for Llama-family decoders (convert/decoder_prune.h),
// on seeded random checkpoints built in the test: pruning nothing changes
// nothing; the pruned model computes exactly what the unpruned model
// computes with the removed neurons' down_proj columns set to zero (an
// independent check of the slicing: a SwiGLU neuron times a zero column
// adds nothing); the removed neurons are the least important by the
// documented scores; layers keep their own widths and load through the
// public path; the report's numbers match the files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <numeric>

#include "convert/decoder_prune.h"
#include "core/error.h"
#include "decoder_test_helpers.h"
#include "formats/safetensors.h"
#include "models/llama.h"
#include "random_llama.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;
using pf_test::HfCheckpoint;
using pf_test::RandomLlamaSpec;

const std::vector<int32_t> kIds = {1, 17, 42, 5, 88, 3, 60, 9, 33, 71, 2, 14, 50, 7};

const std::vector<std::string> kSamples = {
    "the cat sat on the mat, and the dog sat on the rug.",
    "a quick brown fox jumps over the lazy dog.",
    "once upon a time there was a little girl who loved to play.",
};

pf::PruneResult prune(const HfCheckpoint& c, double ffn, std::vector<std::string> samples = {},
                      double heads = 0, std::string tokenizer_json = "") {
  pf::DecoderPruneInput in;
  in.config_json = c.config_json;
  in.safetensors = c.safetensors;
  in.tokenizer_json = !tokenizer_json.empty() || samples.empty() ? tokenizer_json
                                                                 : pf_test::letters_tokenizer_json();
  pf::PruneOptions o;
  o.ffn_fraction = ffn;
  o.heads_fraction = heads;
  o.samples = std::move(samples);
  return pf::prune_decoder(in, o);
}

HfCheckpoint pruned(const pf::PruneResult& r) {
  return {r.checkpoint.config_json, r.checkpoint.safetensors};
}

std::map<std::string, pf::SafetensorsEntry> tensors_of(const std::vector<uint8_t>& bytes) {
  const pf::SafetensorsFile f = pf::SafetensorsFile::parse(bytes.data(), bytes.size());
  std::map<std::string, pf::SafetensorsEntry> out;
  for (const auto& [name, t] : f.tensors()) {
    out[name] = pf::SafetensorsEntry{t.dtype, t.shape, std::vector<uint8_t>(t.data, t.data + t.nbytes)};
  }
  return out;
}

std::string mlp(int64_t layer, const char* tensor) {
  return "model.layers." + std::to_string(layer) + ".mlp." + tensor;
}

// Which original neuron each kept gate row is, found by its bytes (random
// rows are distinct), so the check does not trust the pruner's own plan.
std::vector<int64_t> kept_neurons(const pf::SafetensorsEntry& original_gate,
                                  const pf::SafetensorsEntry& pruned_gate) {
  const size_t row = (size_t)original_gate.shape[1] * pf::dtype_size(original_gate.dtype);
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < pruned_gate.shape[0]; ++i) {
    const uint8_t* want = pruned_gate.data.data() + (size_t)i * row;
    int64_t found = -1;
    for (int64_t j = 0; j < original_gate.shape[0] && found < 0; ++j) {
      if (std::equal(want, want + row, original_gate.data.data() + (size_t)j * row)) found = j;
    }
    REQUIRE(found >= 0);
    kept.push_back(found);
  }
  return kept;
}

// The original checkpoint with every neuron not in `kept[l]` silenced by a
// zero down_proj column (gate and up untouched).
HfCheckpoint zero_removed_columns(const RandomLlamaSpec& spec,
                                  const std::vector<std::vector<int64_t>>& kept) {
  auto t = pf_test::random_llama_tensors(spec);
  for (int64_t l = 0; l < spec.layers; ++l) {
    pf::SafetensorsEntry& down = t[mlp(l, "down_proj.weight")];
    std::vector<float> v = pf_test::entry_values(down);
    const int64_t D = down.shape[0], F = down.shape[1];
    for (int64_t j = 0; j < F; ++j) {
      if (std::binary_search(kept[(size_t)l].begin(), kept[(size_t)l].end(), j)) continue;
      for (int64_t r = 0; r < D; ++r) v[(size_t)(r * F + j)] = 0.f;
    }
    pf_test::set_entry_values(down, v);
  }
  return {pf_test::random_llama_config(spec), pf::write_safetensors(t)};
}

// ||gate_j|| * ||up_j|| * ||down[:, j]|| from the stored values.
std::vector<double> magnitude_scores(std::map<std::string, pf::SafetensorsEntry>& t, int64_t l) {
  const auto g = pf_test::entry_values(t[mlp(l, "gate_proj.weight")]);
  const auto u = pf_test::entry_values(t[mlp(l, "up_proj.weight")]);
  const auto d = pf_test::entry_values(t[mlp(l, "down_proj.weight")]);
  const int64_t F = t[mlp(l, "gate_proj.weight")].shape[0], D = t[mlp(l, "gate_proj.weight")].shape[1];
  std::vector<double> s((size_t)F);
  for (int64_t j = 0; j < F; ++j) {
    double gg = 0, uu = 0, dd = 0;
    for (int64_t c = 0; c < D; ++c) {
      gg += (double)g[(size_t)(j * D + c)] * g[(size_t)(j * D + c)];
      uu += (double)u[(size_t)(j * D + c)] * u[(size_t)(j * D + c)];
      dd += (double)d[(size_t)(c * F + j)] * d[(size_t)(c * F + j)];
    }
    s[(size_t)j] = std::sqrt(gg) * std::sqrt(uu) * std::sqrt(dd);
  }
  return s;
}

uint64_t count_params(const std::vector<uint8_t>& bytes) {
  const pf::SafetensorsFile f = pf::SafetensorsFile::parse(bytes.data(), bytes.size());
  uint64_t n = 0;
  for (const auto& entry : f.tensors()) n += (uint64_t)entry.second.numel();
  return n;
}

pf::ErrorCode error_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const pf::Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  FAIL("no pf::Error");
  return pf::ErrorCode::kInternal;
}

RandomLlamaSpec spec_of(const std::string& variant) {
  RandomLlamaSpec s;
  s.seed = 21;
  if (variant == "qwen2-bf16-tied") {
    s.model_type = "qwen2";
    s.dtype = pf::DType::kBF16;
    s.tied = true;
    s.seed = 22;
  }
  return s;
}

}  // namespace

TEST_CASE("decoder prune 0%: the same tensors, identical logits, a report of no change",
          "[decoder-prune]") {
  const std::string variant = GENERATE(as<std::string>(), "llama-f32", "qwen2-bf16-tied");
  INFO(variant);
  const RandomLlamaSpec spec = spec_of(variant);
  const HfCheckpoint original = pf_test::make_random_llama(spec);
  const pf::PruneResult r = prune(original, 0.0);
  pf_test::check_same_tensors(r.checkpoint.safetensors, original.safetensors);
  const json cfg = json::parse(r.checkpoint.config_json);
  CHECK(cfg["intermediate_size"] == 64);
  CHECK(cfg["pocketformer_pruning"]["intermediate_size_per_layer"] == json::array({64, 64, 64}));
  const auto a = pf_test::load_checkpoint(original), b = pf_test::load_checkpoint(pruned(r));
  CHECK(pf_test::run_logits(a->model(), kIds) == pf_test::run_logits(b->model(), kIds));  // bitwise

  const pf::PruneReport& rep = r.report;
  CHECK(rep.kind == "decoder");
  CHECK(rep.max_abs_diff == 0.0);
  CHECK(rep.argmax_agreement == 1.0);
  CHECK(rep.perplexity_before == rep.perplexity_after);
  CHECK(rep.cosine_min == Approx(1.0).epsilon(1e-12));
  CHECK(rep.params_before == rep.params_after);
  CHECK(rep.bytes_before == original.safetensors.size());
  CHECK(rep.bytes_after == r.checkpoint.safetensors.size());
  CHECK(rep.sample_source.find("random token ids") == 0);  // no tokenizer given
}

TEST_CASE("decoder prune: logits equal the unpruned model's with the removed neurons' down_proj "
          "columns zeroed",
          "[decoder-prune]") {
  const std::string variant = GENERATE(as<std::string>(), "llama-f32", "qwen2-bf16-tied");
  const bool by_activation = GENERATE(false, true);
  INFO(variant << (by_activation ? " activation" : " magnitude"));
  const RandomLlamaSpec spec = spec_of(variant);
  const HfCheckpoint original = pf_test::make_random_llama(spec);
  const pf::PruneResult r = prune(original, 0.3, by_activation ? kSamples : std::vector<std::string>{});
  CHECK(r.report.method == (by_activation ? "activation" : "magnitude"));

  auto before = pf_test::random_llama_tensors(spec);
  auto after = tensors_of(r.checkpoint.safetensors);
  std::vector<std::vector<int64_t>> kept;
  for (int64_t l = 0; l < spec.layers; ++l) {
    kept.push_back(kept_neurons(before[mlp(l, "gate_proj.weight")], after[mlp(l, "gate_proj.weight")]));
    CHECK(kept.back().size() == 64 - 19);  // round(0.3 * 64) removed
    CHECK(std::is_sorted(kept.back().begin(), kept.back().end()));
    CHECK(after[mlp(l, "gate_proj.weight")].dtype == spec.dtype);
  }
  const auto zeroed = pf_test::load_checkpoint(zero_removed_columns(spec, kept));
  const auto small = pf_test::load_checkpoint(pruned(r));
  const auto full = pf_test::load_checkpoint(original);
  const auto want = pf_test::run_logits(zeroed->model(), kIds);
  const float err = pf_test::max_abs_diff(pf_test::run_logits(small->model(), kIds), want);
  WARN(variant << ": pruned vs zeroed-columns max |logit diff| " << err);
  CHECK(err <= 1e-4f);
  // The comparison has teeth: removing 30% of the neurons moves the logits.
  CHECK(pf_test::max_abs_diff(pf_test::run_logits(full->model(), kIds), want) > 1e-2f);
}

TEST_CASE("decoder prune removes the least important neurons by the documented scores",
          "[decoder-prune]") {
  const RandomLlamaSpec spec = spec_of("llama-f32");
  SECTION("magnitude: the round(f * F) smallest ||gate_j|| * ||up_j|| * ||down[:, j]||") {
    const HfCheckpoint original = pf_test::make_random_llama(spec);
    const pf::PruneResult r = prune(original, 0.25);
    auto before = pf_test::random_llama_tensors(spec);
    auto after = tensors_of(r.checkpoint.safetensors);
    for (int64_t l = 0; l < spec.layers; ++l) {
      const std::vector<double> s = magnitude_scores(before, l);
      std::vector<int64_t> order(s.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return s[(size_t)a] < s[(size_t)b]; });
      std::vector<int64_t> want(order.begin() + 16, order.end());
      std::sort(want.begin(), want.end());
      CHECK(kept_neurons(before[mlp(l, "gate_proj.weight")], after[mlp(l, "gate_proj.weight")]) == want);
    }
  }
  SECTION("both methods drop neurons whose gate row is zero first (silu(0) * up = 0)") {
    auto t = pf_test::random_llama_tensors(spec);
    std::vector<float> gate = pf_test::entry_values(t[mlp(1, "gate_proj.weight")]);
    for (int64_t j : {5, 17}) std::fill_n(gate.begin() + j * spec.dim, spec.dim, 0.f);
    pf_test::set_entry_values(t[mlp(1, "gate_proj.weight")], gate);
    const HfCheckpoint c{pf_test::random_llama_config(spec), pf::write_safetensors(t)};
    for (bool by_activation : {false, true}) {
      INFO((by_activation ? "activation" : "magnitude"));
      const pf::PruneResult r = prune(c, 2.0 / 64, by_activation ? kSamples : std::vector<std::string>{});
      auto after = tensors_of(r.checkpoint.safetensors);
      const auto kept = kept_neurons(t[mlp(1, "gate_proj.weight")], after[mlp(1, "gate_proj.weight")]);
      REQUIRE(kept.size() == 62);
      CHECK_FALSE(std::binary_search(kept.begin(), kept.end(), 5));
      CHECK_FALSE(std::binary_search(kept.begin(), kept.end(), 17));
    }
  }
}

TEST_CASE("decoder prune: layers keep their own widths, load through load_hf, and the report "
          "matches the files",
          "[decoder-prune]") {
  RandomLlamaSpec spec = spec_of("llama-f32");
  spec.ffn_widths = {64, 40, 23};  // an already pruned model, pruned again
  const HfCheckpoint original = pf_test::make_random_llama(spec);
  const pf::PruneResult r = prune(original, 0.3, kSamples);
  const std::vector<int64_t> want = {64 - 19, 40 - 12, 23 - 7};  // round(0.3 * F) removed
  const json cfg = json::parse(r.checkpoint.config_json);
  CHECK(cfg["intermediate_size"] == 64);
  CHECK(cfg["pocketformer_pruning"]["intermediate_size_per_layer"] == json(want));
  CHECK(cfg["pocketformer_pruning"]["method"] == "activation");
  auto after = tensors_of(r.checkpoint.safetensors);
  const auto model = pf_test::load_checkpoint(pruned(r));
  auto& llama = dynamic_cast<pf::LlamaModel&>(model->model());
  for (int64_t l = 0; l < 3; ++l) {
    INFO("layer " << l);
    CHECK(after[mlp(l, "gate_proj.weight")].shape == std::vector<int64_t>{want[(size_t)l], 32});
    CHECK(after[mlp(l, "up_proj.weight")].shape == std::vector<int64_t>{want[(size_t)l], 32});
    CHECK(after[mlp(l, "down_proj.weight")].shape == std::vector<int64_t>{32, want[(size_t)l]});
    CHECK(llama.layer_ffn_width((size_t)l) == (size_t)want[(size_t)l]);
  }
  const pf::PruneReport& rep = r.report;
  CHECK(rep.ffn_before == spec.ffn_widths);
  CHECK(rep.ffn_after == want);
  CHECK(rep.bytes_before == original.safetensors.size());
  CHECK(rep.bytes_after == r.checkpoint.safetensors.size());
  CHECK(rep.params_before == count_params(original.safetensors));
  CHECK(rep.params_after == count_params(r.checkpoint.safetensors));
  CHECK(rep.params_before - rep.params_after == (19 + 12 + 7) * 3 * 32);
  CHECK(rep.sample_source == "samples file");
  CHECK(rep.samples == kSamples.size());
  CHECK(rep.tokens_per_s_before > 0);
  CHECK(rep.tokens_per_s_after > 0);
  CHECK(rep.cosine_mean < 1.0);
  CHECK(rep.argmax_agreement >= 0.0);
  CHECK(rep.argmax_agreement <= 1.0);
  const json rj = json::parse(rep.to_json());
  CHECK(rj["kind"] == "decoder");
  CHECK(rj["ffn_width_after"] == json(want));
  CHECK(rj["perplexity_after"].get<double>() == rep.perplexity_after);
  CHECK(rep.to_table().find("next-token argmax agreement") != std::string::npos);
}

TEST_CASE("decoder prune refuses what it cannot do, by name", "[decoder-prune]") {
  const RandomLlamaSpec spec = spec_of("llama-f32");
  const HfCheckpoint c = pf_test::make_random_llama(spec);
  std::string message;
  CHECK(error_of([&] { prune(c, 0.25, {}, 0.5); }, &message) == pf::ErrorCode::kUnsupported);
  CHECK(message.find("not supported for decoders yet") != std::string::npos);
  CHECK(error_of([&] { prune(c, 1.0); }) == pf::ErrorCode::kInvalidArgument);
  CHECK(error_of([&] { prune(c, -0.1); }) == pf::ErrorCode::kInvalidArgument);
  // Samples need a tokenizer to become ids.
  pf::DecoderPruneInput in{c.config_json, c.safetensors, "", {}};
  pf::PruneOptions o;
  o.ffn_fraction = 0.25;
  o.samples = kSamples;
  CHECK(error_of([&] { pf::prune_decoder(in, o); }, &message) == pf::ErrorCode::kInvalidArgument);
  CHECK(message.find("tokenizer") != std::string::npos);
  // A width-1 layer cannot lose half its neurons.
  RandomLlamaSpec one = spec;
  one.ffn_widths = {64, 1, 64};
  CHECK(error_of([&] { prune(pf_test::make_random_llama(one), 0.5); }, &message) ==
        pf::ErrorCode::kInvalidArgument);
  CHECK(message.find("layer 1") != std::string::npos);
  const std::string gpt2 =
      R"({"model_type": "gpt2", "vocab_size": 96, "n_embd": 32, "n_layer": 1, "n_head": 4, "n_positions": 64})";
  CHECK(error_of([&] { prune(HfCheckpoint{gpt2, c.safetensors}, 0.25); }) == pf::ErrorCode::kUnsupported);
  CHECK(pf::is_decoder_config_json(c.config_json));
  CHECK_FALSE(pf::is_decoder_config_json(R"({"model_type": "bert"})"));
}
