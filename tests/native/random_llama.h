// Seeded random Llama-family checkpoints in Hugging Face layout, built in
// memory by the tests that need a decoder whose shapes they choose (FFN
// widths per layer, hostile shapes) without generated test data. Weights
// are N(0, 1) embeddings, N(0, 1 / in_features) * 1.5 projections, norms
// 1 + 0.1 N(0, 1) and, for qwen2, q/k/v biases 0.1 N(0, 1) — the scales of
// tests/reference/make_tiny_llama.py, so activations stay O(1).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "formats/safetensors_writer.h"
#include "kernels/linear.h"
#include "tasks/text_generation.h"

namespace pf_test {

struct RandomLlamaSpec {
  uint64_t seed = 1;
  std::string model_type = "llama";  // "qwen2": q/k/v biases
  int64_t vocab = 96, dim = 32, layers = 3, heads = 4, kv_heads = 2, intermediate = 64;
  int64_t max_positions = 64;
  std::vector<int64_t> ffn_widths;  // per layer; empty: intermediate in every layer
  pf::DType dtype = pf::DType::kF32;  // or kBF16 (rounded from the f32 draw)
  bool tied = false;
};

struct HfCheckpoint {
  std::string config_json;
  std::vector<uint8_t> safetensors;
};

// Tensors by HF name (model.layers.N.mlp.gate_proj.weight, ...).
std::map<std::string, pf::SafetensorsEntry> random_llama_tensors(const RandomLlamaSpec& spec);
std::string random_llama_config(const RandomLlamaSpec& spec);
HfCheckpoint make_random_llama(const RandomLlamaSpec& spec);

// A lowercasing WordPiece tokenizer.json over single letters (ids 1..54,
// within every random model's vocabulary), so sample texts become ids.
std::string letters_tokenizer_json();

// Through the public HF loading path (TextGeneration::load_hf).
std::unique_ptr<pf::TextGeneration> load_checkpoint(const HfCheckpoint& c,
                                                    pf::WeightFormat format = pf::WeightFormat::kF32);

// An entry's values as f32 / from f32 (in the entry's dtype).
std::vector<float> entry_values(const pf::SafetensorsEntry& e);
void set_entry_values(pf::SafetensorsEntry& e, const std::vector<float>& values);

}  // namespace pf_test
