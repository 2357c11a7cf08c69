// config.json (Hugging Face layout) -> validated model hyper-parameters.
#pragma once

#include <cstdint>
#include <string>

#include "formats/pruned_heads.h"

namespace pf {

struct EncoderConfig {
  std::string model_type;  // "bert" | "distilbert"
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t intermediate_size = 0;
  int64_t max_position_embeddings = 0;
  int64_t type_vocab_size = 0;  // 0: no segment embeddings (DistilBERT)
  int64_t pad_token_id = 0;
  double layer_norm_eps = 1e-12;
  std::string hidden_act = "gelu";
  // Heads removed per layer (structured pruning); the weights then hold
  // fewer q/k/v rows. head_dim() stays hidden_size / num_attention_heads.
  PrunedHeads pruned_heads;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }
};

// Parses and validates; throws pf::Error (kBadConfig / kUnsupported) naming
// `file_name` and the offending field.
EncoderConfig parse_encoder_config(const std::string& json_text,
                                   const std::string& file_name = "config.json");

}  // namespace pf
