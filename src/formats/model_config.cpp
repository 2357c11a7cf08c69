#include "formats/model_config.h"

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace pf {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& file, const std::string& what) {
  fail(ErrorCode::kBadConfig, file + ": " + what);
}

// Reads an integer field and checks it lies in [lo, hi]. The bounds reject
// values no real model uses but that would make size arithmetic overflow or
// allocate absurd amounts before any tensor is checked.
int64_t int_field(const json& cfg, const std::string& file, const char* key, int64_t lo,
                  int64_t hi, bool required, int64_t fallback = 0) {
  if (!cfg.contains(key) || cfg[key].is_null()) {
    if (required) bad(file, std::string("missing required field '") + key + "'");
    return fallback;
  }
  const json& v = cfg[key];
  if (!v.is_number_integer()) bad(file, std::string("field '") + key + "' is not an integer");
  if (v.is_number_unsigned() ? v.get<uint64_t>() > (uint64_t)hi : false) {
    bad(file, std::string("field '") + key + "' = " + v.dump() + " is outside [" +
                  std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) {
    bad(file, std::string("field '") + key + "' = " + v.dump() + " is outside [" +
                  std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return x;
}

}  // namespace

EncoderConfig parse_encoder_config(const std::string& json_text, const std::string& file) {
  json cfg = json::parse(json_text, nullptr, false);
  if (cfg.is_discarded()) bad(file, "not valid JSON");
  if (!cfg.is_object()) bad(file, "JSON is not an object");

  EncoderConfig c;
  if (cfg.contains("model_type") && cfg["model_type"].is_string()) {
    c.model_type = cfg["model_type"].get<std::string>();
  }
  // DistilBERT's config names the same hyper-parameters differently.
  const bool distil = c.model_type == "distilbert", albert = c.model_type == "albert";
  if (c.model_type != "bert" && !distil && !c.is_roberta() && c.model_type != "electra" &&
      !albert) {
    fail(ErrorCode::kUnsupportedArchitecture,
         file + ": model_type '" + c.model_type +
             "' is not supported yet (supported: bert, distilbert, roberta, xlm-roberta, electra, "
             "albert)");
  }
  c.vocab_size = int_field(cfg, file, "vocab_size", 1, 1 << 22, true);
  c.hidden_size = int_field(cfg, file, distil ? "dim" : "hidden_size", 1, 1 << 16, true);
  c.num_hidden_layers =
      int_field(cfg, file, distil ? "n_layers" : "num_hidden_layers", 1, 256, true);
  c.num_attention_heads =
      int_field(cfg, file, distil ? "n_heads" : "num_attention_heads", 1, 1024, true);
  c.intermediate_size =
      int_field(cfg, file, distil ? "hidden_dim" : "intermediate_size", 1, 1 << 18, true);
  c.max_position_embeddings = int_field(cfg, file, "max_position_embeddings", 1, 1 << 16, true);
  // DistilBERT has no segment embeddings.
  c.type_vocab_size = distil ? 0 : int_field(cfg, file, "type_vocab_size", 1, 1024, false, 2);
  c.pad_token_id =
      int_field(cfg, file, "pad_token_id", 0, c.vocab_size - 1, false, c.is_roberta() ? 1 : 0);
  // ALBERT factorizes its embeddings (AlbertConfig's default 128 is not
  // worth guessing: real configs state it).
  c.embedding_size = c.model_type == "electra"
                         ? int_field(cfg, file, "embedding_size", 1, 1 << 16, false, c.hidden_size)
                     : albert ? int_field(cfg, file, "embedding_size", 1, 1 << 16, true)
                              : c.hidden_size;
  c.num_hidden_groups = c.num_hidden_layers;
  if (albert) {
    c.num_hidden_groups = int_field(cfg, file, "num_hidden_groups", 1, 256, false, 1);
    c.inner_group_num = int_field(cfg, file, "inner_group_num", 1, 256, false, 1);
    if (c.num_hidden_layers % c.num_hidden_groups != 0) {
      bad(file, "num_hidden_groups " + std::to_string(c.num_hidden_groups) +
                    " does not divide num_hidden_layers " + std::to_string(c.num_hidden_layers) +
                    " (each group must serve the same number of layers)");
    }
  }
  c.positions_after_padding = c.is_roberta();
  if (c.max_length() < 2) {
    bad(file, "max_position_embeddings " + std::to_string(c.max_position_embeddings) +
                  " leaves no positions after pad_token_id " + std::to_string(c.pad_token_id));
  }
  const char* act_key = distil ? "activation" : "hidden_act";

  if (c.hidden_size % c.num_attention_heads != 0) {
    bad(file, std::string(distil ? "dim " : "hidden_size ") + std::to_string(c.hidden_size) +
                  " is not a multiple of " + (distil ? "n_heads " : "num_attention_heads ") +
                  std::to_string(c.num_attention_heads));
  }
  c.pruned_heads = parse_pruned_heads(cfg, file, c.num_hidden_layers, c.num_attention_heads);
  if (albert && !c.pruned_heads.empty()) {
    // ALBERT numbers pruned layers over its shared groups, not its steps.
    fail(ErrorCode::kUnsupported, file + ": pruned_heads in an ALBERT config is not supported");
  }
  if (cfg.contains("layer_norm_eps")) {
    const json& eps = cfg["layer_norm_eps"];
    if (!eps.is_number() || !(eps.get<double>() > 0) || eps.get<double>() > 1) {
      bad(file, "field 'layer_norm_eps' must be a number in (0, 1]");
    }
    c.layer_norm_eps = eps.get<double>();
  }
  if (cfg.contains(act_key)) {
    if (!cfg[act_key].is_string()) bad(file, std::string("field '") + act_key + "' is not a string");
    c.hidden_act = cfg[act_key].get<std::string>();
  }
  if (c.hidden_act == "gelu") {
    c.activation = EncoderActivation::kGeluErf;
  } else if (c.hidden_act == "gelu_new" || c.hidden_act == "gelu_pytorch_tanh") {
    c.activation = EncoderActivation::kGeluTanh;
  } else {
    fail(ErrorCode::kUnsupported, file + ": " + act_key + " '" + c.hidden_act +
                                      "' is not supported yet (supported: gelu, gelu_new, "
                                      "gelu_pytorch_tanh)");
  }
  if (cfg.contains("position_embedding_type") && cfg["position_embedding_type"].is_string() &&
      cfg["position_embedding_type"].get<std::string>() != "absolute") {
    fail(ErrorCode::kUnsupported, file + ": position_embedding_type '" +
                                      cfg["position_embedding_type"].get<std::string>() +
                                      "' is not supported (supported: absolute)");
  }
  return c;
}

}  // namespace pf
