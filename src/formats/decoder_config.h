// Hyper-parameters of a decoder (Llama, Qwen2, llama2.c checkpoints; GPT-2),
// and the parser of Hugging Face config.json for them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "kernels/causal_attention.h"
#include "kernels/rope.h"

namespace pf {

// The GELU form of GPT-2's MLP: "gelu_new" (and its aliases) is the tanh
// approximation, "gelu" the exact erf form.
enum class GeluKind { kTanh, kErf };

struct DecoderConfig {
  std::string model_type;  // "llama" | "qwen2" | "llama2c" | "gpt2"
  int64_t vocab_size = 0;
  int64_t dim = 0;         // hidden_size
  int64_t n_layers = 0;
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;  // divides n_heads (grouped-query attention)
  int64_t head_dim = 0;
  int64_t hidden_dim = 0;  // FFN intermediate size
  int64_t max_context = 0; // KV cache capacity in tokens
  KvDtype kv_dtype = KvDtype::kF32;  // KV cache storage (a load option, not from the file)
  float rope_theta = 10000.f;
  RopeLayout rope_layout = RopeLayout::kHalfSplit;
  RopeScaling rope_scaling;  // config.json rope_scaling / GGUF rope.scaling.*
  float rms_eps = 1e-5f;
  bool tied_embeddings = false;  // LM head reuses the token embedding table
  bool attention_bias = false;   // q/k/v projections have biases (Qwen2)
  int64_t bos_token_id = -1;     // -1: none
  std::vector<int64_t> eos_token_ids;

  // GPT-2 family only (model_type "gpt2"; n_kv_heads == n_heads there).
  int64_t max_positions = 0;      // rows of the learned position table (n_positions)
  float layer_norm_eps = 1e-5f;   // layer_norm_epsilon
  GeluKind gelu = GeluKind::kTanh;  // activation_function

  int64_t q_dim() const { return n_heads * head_dim; }
  int64_t kv_dim() const { return n_kv_heads * head_dim; }
};

// Checks the invariants every decoder relies on (positive sizes within sane
// bounds, head counts divide, even head_dim); throws pf::Error with `code`
// naming `source`.
void validate_decoder_config(const DecoderConfig& config, const std::string& source,
                             ErrorCode code = ErrorCode::kBadConfig);

// Parses a HF config.json of model_type "llama", "qwen2" or "gpt2" (GPT-2,
// DistilGPT2: the gpt2 fields n_embd, n_layer, ... are read by
// parse_gpt2_config below). `max_context` caps the KV cache (0: the
// config's max_position_embeddings / n_positions; with rope_scaling
// "dynamic" the limit and default is factor * max_position_embeddings, the
// length NTK scaling extends to). rope_scaling types: null / "default",
// "linear", "dynamic", "llama3", "yarn" (others kUnsupported). Throws pf::Error
// kBadConfig / kUnsupported (kUnsupportedArchitecture for a model_type other
// than llama, qwen2, gpt2) naming `file_name` and the field.
DecoderConfig parse_decoder_config(const std::string& json_text, int64_t max_context = 0,
                                   const std::string& file_name = "config.json");

}  // namespace pf
