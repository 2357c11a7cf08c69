// Llama-family decoders whose layers have different FFN widths (what
// `pocketformer prune` writes for decoders), through the public HF loading
// path: each layer's width comes from its gate/up/down shapes, the model
// computes exactly what the unpruned model with those neurons' weights
// zeroed computes, weight_bytes() shrinks by the removed rows and columns,
// and shapes that are no valid pruning fail as kCorruptModel naming the
// tensor.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "convert/convert.h"
#include "core/error.h"
#include "decoder_test_helpers.h"
#include "models/llama.h"
#include "random_llama.h"

namespace {

const std::vector<int32_t> kIds = {1, 17, 42, 5, 88, 3, 60, 9, 33, 71, 2, 14};

pf_test::RandomLlamaSpec narrow_spec() {
  pf_test::RandomLlamaSpec s;
  s.seed = 11;
  s.intermediate = 64;
  s.ffn_widths = {64, 40, 23};  // 23: odd, exercises int4 half-byte rows
  return s;
}

// `narrow` widened back to every layer's intermediate_size: zero gate/up
// rows and down columns appended (SwiGLU of a zero row is 0, and a zero
// down column adds nothing, so the logits must not change).
pf_test::HfCheckpoint zero_padded(const pf_test::RandomLlamaSpec& narrow) {
  auto t = pf_test::random_llama_tensors(narrow);
  const int64_t D = narrow.dim, F = narrow.intermediate;
  for (int64_t l = 0; l < narrow.layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".mlp.";
    const int64_t w = narrow.ffn_widths[(size_t)l];
    for (const char* rows : {"gate_proj.weight", "up_proj.weight"}) {
      std::vector<float> v = pf_test::entry_values(t[p + rows]);
      v.resize((size_t)(F * D), 0.f);
      t[p + rows].shape = {F, D};
      pf_test::set_entry_values(t[p + rows], v);
    }
    const std::vector<float> down = pf_test::entry_values(t[p + "down_proj.weight"]);
    std::vector<float> wide((size_t)(D * F), 0.f);
    for (int64_t r = 0; r < D; ++r) {
      for (int64_t c = 0; c < w; ++c) wide[(size_t)(r * F + c)] = down[(size_t)(r * w + c)];
    }
    t[p + "down_proj.weight"].shape = {D, F};
    pf_test::set_entry_values(t[p + "down_proj.weight"], wide);
  }
  return {pf_test::random_llama_config(narrow), pf::write_safetensors(t)};
}

pf::LlamaModel& llama(pf::TextGeneration& g) { return dynamic_cast<pf::LlamaModel&>(g.model()); }

// load_hf of `tensors` must fail with kCorruptModel naming `tensor`.
void check_corrupt(const pf_test::RandomLlamaSpec& spec,
                   const std::map<std::string, pf::SafetensorsEntry>& tensors,
                   const std::string& tensor) {
  const pf_test::HfCheckpoint c{pf_test::random_llama_config(spec), pf::write_safetensors(tensors)};
  try {
    pf_test::load_checkpoint(c);
    FAIL("loaded a checkpoint with a bad " << tensor);
  } catch (const pf::Error& e) {
    INFO(e.what());
    CHECK(e.code() == pf::ErrorCode::kCorruptModel);
    CHECK(std::string(e.what()).find("'" + tensor + "'") != std::string::npos);
  }
}

// A [rows, cols] matrix entry of `spec`'s dtype with random-ish values.
pf::SafetensorsEntry matrix(const pf_test::RandomLlamaSpec& spec, int64_t rows, int64_t cols) {
  pf::SafetensorsEntry e{spec.dtype, {rows, cols}, {}};
  pf_test::set_entry_values(e, std::vector<float>((size_t)(rows * cols), 0.25f));
  return e;
}

}  // namespace

TEST_CASE("per-layer FFN widths load and compute what zero-padded full-width layers compute",
          "[pruned-decoder]") {
  const auto spec = narrow_spec();
  const auto narrow = pf_test::load_checkpoint(pf_test::make_random_llama(spec));
  const auto padded = pf_test::load_checkpoint(zero_padded(spec));
  for (size_t l = 0; l < 3; ++l) {
    CHECK(llama(*narrow).layer_ffn_width(l) == (size_t)spec.ffn_widths[l]);
    CHECK(llama(*padded).layer_ffn_width(l) == 64);
  }
  CHECK(narrow->model().config().hidden_dim == 64);  // config.json's width stays the bound
  const float err = pf_test::max_abs_diff(pf_test::run_logits(narrow->model(), kIds),
                                          pf_test::run_logits(padded->model(), kIds));
  WARN("narrow vs zero-padded max |logit diff| " << err);
  CHECK(err <= 1e-4f);
  // f32 weight bytes: gate + up rows and down columns, dim 32 floats each.
  const size_t removed = (0 + 24 + 41) * 3 * 32 * 4;
  CHECK(padded->model().weight_bytes() - narrow->model().weight_bytes() == removed);
}

TEST_CASE("per-layer FFN widths run in int8 and 4-bit, and in BF16 / qwen2 / tied checkpoints",
          "[pruned-decoder]") {
  auto spec = narrow_spec();
  spec.dtype = GENERATE(::pf::DType::kF32, ::pf::DType::kBF16);
  spec.model_type = GENERATE(as<std::string>(), "llama", "qwen2");
  spec.tied = spec.model_type == "qwen2";
  INFO(pf::dtype_name(spec.dtype) << " " << spec.model_type);
  const auto f32 = pf_test::load_checkpoint(pf_test::make_random_llama(spec));
  CHECK(pf_test::max_abs_diff(pf_test::run_logits(f32->model(), kIds),
                              pf_test::run_logits(pf_test::load_checkpoint(zero_padded(spec))->model(),
                                                  kIds)) <= 1e-4f);
  const auto reference = pf_test::run_logits(f32->model(), kIds);
  for (pf::WeightFormat f : {pf::WeightFormat::kInt8, pf::WeightFormat::kInt4}) {
    INFO(pf::weight_format_name(f));
    const auto q = pf_test::load_checkpoint(pf_test::make_random_llama(spec), f);
    CHECK(llama(*q).layer_ffn_width(2) == 23);
    const auto got = pf_test::run_logits(q->model(), kIds);
    // Quantized, so not exact: but the same model, not noise.
    size_t agree = 0;
    for (size_t i = 0; i < got.size(); ++i) agree += pf_test::argmax(got[i]) == pf_test::argmax(reference[i]);
    CHECK(agree * 2 >= got.size());
    CHECK(q->model().weight_bytes() < f32->model().weight_bytes());
  }
}

TEST_CASE("FFN shapes that are no valid pruning fail as kCorruptModel naming the tensor",
          "[pruned-decoder][bad-models]") {
  const auto spec = narrow_spec();
  const std::string gate = "model.layers.1.mlp.gate_proj.weight",
                    up = "model.layers.1.mlp.up_proj.weight",
                    down = "model.layers.1.mlp.down_proj.weight";
  struct Case {
    const char* what;
    int64_t gate_rows, gate_cols, up_rows, down_rows, down_cols;  // layer 1 (-1: absent)
    std::string named;
  };
  const std::vector<Case> cases = {
      {"up_proj narrower than gate_proj", 40, 32, 39, 32, 40, up},
      {"down_proj columns disagree with gate_proj rows", 40, 32, 40, 32, 41, down},
      {"down_proj transposed", 40, 32, 40, 40, 32, down},
      {"width 0", 0, 32, 0, 32, 0, gate},
      {"width above intermediate_size", 65, 32, 65, 32, 65, gate},
      {"gate_proj input width is not hidden_size", 40, 31, 40, 32, 40, gate},
      {"gate_proj missing", -1, 32, 40, 32, 40, gate},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    auto t = pf_test::random_llama_tensors(spec);
    if (c.gate_rows < 0) {
      t.erase(gate);
    } else {
      t[gate] = matrix(spec, c.gate_rows, c.gate_cols);
    }
    t[up] = matrix(spec, c.up_rows, 32);
    t[down] = matrix(spec, c.down_rows, c.down_cols);
    check_corrupt(spec, t, c.named);
  }
}

TEST_CASE("converting a decoder with per-layer FFN widths to GGUF is refused, not mis-written",
          "[pruned-decoder][convert]") {
  const auto c = pf_test::make_random_llama(narrow_spec());
  const auto source = pf::ConvertSource::from_hf(c.config_json, c.safetensors, {}, "");
  try {
    pf::convert_to_gguf(*source, pf::ConvertOptions{});
    FAIL("converted a pruned decoder");
  } catch (const pf::Error& e) {
    INFO(e.what());
    CHECK(e.code() == pf::ErrorCode::kUnsupported);
    CHECK(std::string(e.what()).find("layer 1 has FFN width 40") != std::string::npos);
  }
}
