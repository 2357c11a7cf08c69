// config.json (Hugging Face layout) -> validated model hyper-parameters.
#pragma once

#include <cstdint>
#include <string>

#include "formats/pruned_heads.h"

namespace pf {

struct EncoderConfig {
  std::string model_type;  // "bert" | "distilbert" | "roberta" | "xlm-roberta" | "electra"
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
  // ELECTRA: embeddings of this width, projected to hidden_size
  // (embeddings_project); equal to hidden_size for the others.
  int64_t embedding_size = 0;
  // RoBERTa / XLM-R: position ids count non-padding tokens from
  // pad_token_id + 1 (create_position_ids_from_input_ids), so the first
  // pad_token_id + 1 positions are never used by real tokens.
  bool positions_after_padding = false;
  // Heads removed per layer (structured pruning); the weights then hold
  // fewer q/k/v rows. head_dim() stays hidden_size / num_attention_heads.
  PrunedHeads pruned_heads;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }
  bool is_roberta() const { return model_type == "roberta" || model_type == "xlm-roberta"; }
  // The longest input (special tokens included) the position table covers.
  int64_t max_length() const {
    return positions_after_padding ? max_position_embeddings - pad_token_id - 1
                                   : max_position_embeddings;
  }
};

// Parses and validates; throws pf::Error (kBadConfig / kUnsupported, or
// kUnsupportedArchitecture for a model_type we cannot run) naming
// `file_name` and the offending field.
EncoderConfig parse_encoder_config(const std::string& json_text,
                                   const std::string& file_name = "config.json");

}  // namespace pf
