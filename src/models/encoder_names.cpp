#include "models/encoder_names.h"

#include "core/error.h"

namespace pf {

namespace {

EncoderLayerNames bert_layer(int index, int /*inner*/) {
  const std::string p = "encoder.layer." + std::to_string(index) + ".";
  return {p + "attention.self.query.weight",     p + "attention.self.query.bias",
          p + "attention.self.key.weight",       p + "attention.self.key.bias",
          p + "attention.self.value.weight",     p + "attention.self.value.bias",
          p + "attention.output.dense.weight",   p + "attention.output.dense.bias",
          p + "attention.output.LayerNorm.weight", p + "attention.output.LayerNorm.bias",
          p + "intermediate.dense.weight",       p + "intermediate.dense.bias",
          p + "output.dense.weight",             p + "output.dense.bias",
          p + "output.LayerNorm.weight",         p + "output.LayerNorm.bias"};
}

EncoderLayerNames distilbert_layer(int index, int /*inner*/) {
  const std::string p = "transformer.layer." + std::to_string(index) + ".";
  return {p + "attention.q_lin.weight",   p + "attention.q_lin.bias",
          p + "attention.k_lin.weight",   p + "attention.k_lin.bias",
          p + "attention.v_lin.weight",   p + "attention.v_lin.bias",
          p + "attention.out_lin.weight", p + "attention.out_lin.bias",
          p + "sa_layer_norm.weight",     p + "sa_layer_norm.bias",
          p + "ffn.lin1.weight",          p + "ffn.lin1.bias",
          p + "ffn.lin2.weight",          p + "ffn.lin2.bias",
          p + "output_layer_norm.weight", p + "output_layer_norm.bias"};
}

// One AlbertLayer; its self-attention and output projection sit together
// under "attention.", the FFN is ffn / ffn_output.
EncoderLayerNames albert_layer(int group, int inner) {
  const std::string p = "encoder.albert_layer_groups." + std::to_string(group) +
                        ".albert_layers." + std::to_string(inner) + ".";
  return {p + "attention.query.weight",     p + "attention.query.bias",
          p + "attention.key.weight",       p + "attention.key.bias",
          p + "attention.value.weight",     p + "attention.value.bias",
          p + "attention.dense.weight",     p + "attention.dense.bias",
          p + "attention.LayerNorm.weight", p + "attention.LayerNorm.bias",
          p + "ffn.weight",                 p + "ffn.bias",
          p + "ffn_output.weight",          p + "ffn_output.bias",
          p + "full_layer_layer_norm.weight", p + "full_layer_layer_norm.bias"};
}

}  // namespace

const EncoderNames& encoder_names(const std::string& model_type) {
  static const EncoderNames kBert{{"bert.", ""},
                                  "embeddings.word_embeddings.weight",
                                  "embeddings.position_embeddings.weight",
                                  "embeddings.token_type_embeddings.weight",
                                  "embeddings.LayerNorm.weight",
                                  "embeddings.LayerNorm.bias",
                                  "pooler.dense.weight",
                                  "pooler.dense.bias",
                                  bert_layer};
  static const EncoderNames kDistilBert{{"distilbert.", ""},
                                        "embeddings.word_embeddings.weight",
                                        "embeddings.position_embeddings.weight",
                                        "",
                                        "embeddings.LayerNorm.weight",
                                        "embeddings.LayerNorm.bias",
                                        "",
                                        "",
                                        distilbert_layer};
  // RobertaModel / XLMRobertaModel / ElectraModel keep BertModel's names
  // under their own task prefix; ELECTRA has no pooler but a projection.
  static const EncoderNames kRoberta = [] {
    EncoderNames n = kBert;
    n.prefixes = {"roberta.", ""};
    return n;
  }();
  static const EncoderNames kElectra = [] {
    EncoderNames n = kBert;
    n.prefixes = {"electra.", ""};
    n.pooler_weight = n.pooler_bias = "";
    n.embeddings_project = "embeddings_project";
    return n;
  }();
  // AlbertModel: BERT's embedding names, its own layers, a bare nn.Linear
  // pooler, and the projection inside the encoder.
  static const EncoderNames kAlbert = [] {
    EncoderNames n = kBert;
    n.prefixes = {"albert.", ""};
    n.pooler_weight = "pooler.weight";
    n.pooler_bias = "pooler.bias";
    n.layer = albert_layer;
    n.embeddings_project = "encoder.embedding_hidden_mapping_in";
    n.project_always = true;
    return n;
  }();
  if (model_type == "bert") return kBert;
  if (model_type == "albert") return kAlbert;
  if (model_type == "roberta" || model_type == "xlm-roberta") return kRoberta;
  if (model_type == "electra") return kElectra;
  if (model_type == "distilbert") return kDistilBert;
  fail(ErrorCode::kUnsupportedArchitecture, "no tensor layout for model_type '" + model_type + "'");
}

std::string encoder_tensor_prefix(const SafetensorsFile& file, const EncoderNames& names,
                                  const std::string& model_type) {
  for (const std::string& prefix : names.prefixes) {
    if (file.find(prefix + names.word_embeddings)) return prefix;
  }
  fail(ErrorCode::kCorruptModel, file.file_name() + ": missing tensor '" +
                                     names.word_embeddings + "' (not a " + model_type +
                                     " checkpoint?)");
}

}  // namespace pf
