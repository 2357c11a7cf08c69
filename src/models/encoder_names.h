// Tensor names of the BERT-family checkpoints, per architecture. The encoder
// math is shared; only where each architecture stores a tensor differs.
#pragma once

#include <string>
#include <vector>

#include "formats/safetensors.h"

namespace pf {

struct EncoderLayerNames {
  std::string query_weight, query_bias, key_weight, key_bias, value_weight, value_bias;
  std::string attention_out_weight, attention_out_bias;
  std::string attention_norm_weight, attention_norm_bias;
  std::string ffn_in_weight, ffn_in_bias, ffn_out_weight, ffn_out_bias;
  std::string output_norm_weight, output_norm_bias;
};

struct EncoderNames {
  // Task checkpoints (BertFor*, DistilBertFor*) nest the encoder under a
  // prefix; bare models (BertModel) have none. Tried in order.
  std::vector<std::string> prefixes;
  std::string word_embeddings, position_embeddings, token_type_embeddings;  // type: "" if none
  std::string embeddings_norm_weight, embeddings_norm_bias;
  std::string pooler_weight, pooler_bias;  // "" if the architecture has no pooler
  // The stored layer `inner` of group `group`: ALBERT's
  // albert_layer_groups.G.albert_layers.J; the others have one layer per
  // group (inner is 0).
  EncoderLayerNames (*layer)(int group, int inner);
  // ELECTRA's / ALBERT's embedding_size -> hidden_size projection
  // (".weight"/".bias" appended); "" for architectures without one.
  std::string embeddings_project = "";
  // ALBERT always stores its projection, even when embedding_size equals
  // hidden_size; ELECTRA only when they differ.
  bool project_always = false;
};

// model_type from config.json: "bert", "distilbert", "roberta",
// "xlm-roberta", "electra" or "albert".
const EncoderNames& encoder_names(const std::string& model_type);

// The first of names.prefixes under which `file` has the word embeddings;
// kCorruptModel naming the tensor when none.
std::string encoder_tensor_prefix(const SafetensorsFile& file, const EncoderNames& names,
                                  const std::string& model_type);

}  // namespace pf
