// config.json (Hugging Face layout) -> validated model hyper-parameters.
#pragma once

#include <cstdint>
#include <string>

#include "formats/pruned_heads.h"

namespace pf {

// The feed-forward activation (hidden_act): "gelu" is the exact erf form,
// "gelu_new" / "gelu_pytorch_tanh" the tanh approximation (ALBERT v2's).
enum class EncoderActivation { kGeluErf, kGeluTanh };

struct EncoderConfig {
  // "bert" | "distilbert" | "roberta" | "xlm-roberta" | "electra" | "albert"
  std::string model_type;
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
  EncoderActivation activation = EncoderActivation::kGeluErf;
  // ELECTRA / ALBERT: embeddings of this width, projected to hidden_size
  // (embeddings_project / encoder.embedding_hidden_mapping_in); equal to
  // hidden_size for the others.
  int64_t embedding_size = 0;
  // ALBERT shares its layers: num_hidden_groups groups of inner_group_num
  // layers are stored; each of the num_hidden_layers steps runs one group
  // (all its inner layers). The others store every layer: groups =
  // num_hidden_layers, inner 1.
  int64_t num_hidden_groups = 0;
  int64_t inner_group_num = 1;
  // RoBERTa / XLM-R: position ids count non-padding tokens from
  // pad_token_id + 1 (create_position_ids_from_input_ids), so the first
  // pad_token_id + 1 positions are never used by real tokens.
  bool positions_after_padding = false;
  // Heads removed per layer (structured pruning); the weights then hold
  // fewer q/k/v rows. head_dim() stays hidden_size / num_attention_heads.
  PrunedHeads pruned_heads;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }
  bool is_roberta() const { return model_type == "roberta" || model_type == "xlm-roberta"; }
  // Distinct layers stored in the checkpoint, and layers run per forward.
  int64_t stored_layers() const { return num_hidden_groups * inner_group_num; }
  int64_t executed_layers() const { return num_hidden_layers * inner_group_num; }
  // Which stored layer (group * inner_group_num + inner) the executed layer
  // `step` runs: step / inner_group_num picks the hidden layer, whose group
  // is layer / (num_hidden_layers / num_hidden_groups) (modeling_albert's
  // AlbertTransformer).
  int64_t stored_layer_of(int64_t step) const {
    const int64_t layer = step / inner_group_num, inner = step % inner_group_num;
    return layer / (num_hidden_layers / num_hidden_groups) * inner_group_num + inner;
  }
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
