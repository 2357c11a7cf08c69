#include "convert/encoder_gguf_export.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "formats/gguf_writer.h"
#include "formats/model_config.h"
#include "formats/safetensors.h"
#include "models/encoder_names.h"
#include "models/gguf_encoder_names.h"
#include "models/weight_loader.h"
#include "tokenizers/gguf_wordpiece.h"

namespace pf {

namespace {

using nlohmann::json;

struct Vocab {
  std::vector<std::string> tokens;
  std::vector<bool> control;
  bool lowercase = true;
};

bool is_standard_special(const std::string& t) {
  return t == "[PAD]" || t == "[UNK]" || t == "[CLS]" || t == "[SEP]" || t == "[MASK]";
}

Vocab read_vocab(const TokenizerFiles& files) {
  Vocab v;
  if (files.tokenizer_json.empty()) {
    const std::string& text = files.vocab_txt;
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string token = text.substr(start, end - start);
      if (!token.empty() && token.back() == '\r') token.pop_back();
      v.control.push_back(is_standard_special(token));
      v.tokens.push_back(std::move(token));
      start = end + 1;
    }
    if (!files.tokenizer_config_json.empty()) {
      const json cfg = json::parse(files.tokenizer_config_json, nullptr, false);
      if (cfg.is_object() && cfg.contains("do_lower_case") && cfg["do_lower_case"].is_boolean()) {
        v.lowercase = cfg["do_lower_case"].get<bool>();
      }
    }
    return v;
  }
  const json doc = json::parse(files.tokenizer_json, nullptr, false);
  if (!doc.is_object() || !doc.contains("model") || !doc["model"].is_object() ||
      doc["model"].value("type", std::string()) != "WordPiece" ||
      !doc["model"].contains("vocab") || !doc["model"]["vocab"].is_object()) {
    fail(ErrorCode::kUnsupported, "tokenizer.json: only WordPiece vocabularies can be written as "
                                  "a GGUF 'bert' vocab");
  }
  const json& vocab = doc["model"]["vocab"];
  v.tokens.resize(vocab.size());
  v.control.assign(vocab.size(), false);
  for (const auto& [token, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<size_t>() >= vocab.size() ||
        !v.tokens[id.get<size_t>()].empty()) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json: WordPiece ids are not 0..n-1, each once");
    }
    v.tokens[id.get<size_t>()] = token;
  }
  if (doc.contains("added_tokens") && doc["added_tokens"].is_array()) {
    for (const json& a : doc["added_tokens"]) {
      const int64_t id = a.value("id", (int64_t)-1);
      if (id >= 0 && (size_t)id < v.tokens.size() && a.value("special", false)) {
        v.control[(size_t)id] = true;
      }
    }
  }
  const json& norm = doc.contains("normalizer") ? doc["normalizer"] : json();
  if (norm.is_object() && norm.contains("lowercase") && norm["lowercase"].is_boolean()) {
    v.lowercase = norm["lowercase"].get<bool>();
  }
  return v;
}

void write_vocab(GgufWriter& w, const Vocab& v, int64_t vocab_size) {
  std::vector<std::string> tokens;
  std::vector<int32_t> types;
  for (size_t i = 0; i < v.tokens.size(); ++i) {
    tokens.push_back(wordpiece_to_gguf_token(v.tokens[i], v.control[i]));
    types.push_back(v.control[i] ? kGgufTokenControl : kGgufTokenNormal);
  }
  // llama.cpp wants one token per embedding row.
  for (size_t i = tokens.size(); i < (size_t)vocab_size; ++i) {
    tokens.push_back("[PAD" + std::to_string(i) + "]");
    types.push_back(kGgufTokenControl);
  }
  w.add_string("tokenizer.ggml.model", "bert");
  w.add_string_array("tokenizer.ggml.tokens", tokens);
  w.add_i32_array("tokenizer.ggml.token_type", types);
  const std::pair<const char*, const char*> specials[] = {
      {"tokenizer.ggml.cls_token_id", "[CLS]"},     {"tokenizer.ggml.seperator_token_id", "[SEP]"},
      {"tokenizer.ggml.unknown_token_id", "[UNK]"}, {"tokenizer.ggml.padding_token_id", "[PAD]"},
      {"tokenizer.ggml.mask_token_id", "[MASK]"}};
  for (const auto& [key, name] : specials) {
    for (size_t i = 0; i < v.tokens.size(); ++i) {
      if (v.tokens[i] == name) {
        w.add_u32(key, (uint32_t)i);
        break;
      }
    }
  }
  w.add_bool("pocketformer.tokenizer.do_lower_case", v.lowercase);
}

}  // namespace

bool is_encoder_config_json(const std::string& config_json) {
  const json cfg = json::parse(config_json, nullptr, false);
  if (!cfg.is_object() || !cfg.contains("model_type") || !cfg["model_type"].is_string()) return false;
  const std::string t = cfg["model_type"].get<std::string>();
  return t == "bert" || t == "distilbert" || t == "roberta" || t == "xlm-roberta" || t == "electra";
}

std::vector<uint8_t> export_encoder_gguf(const EncoderConvertSource& source,
                                         const ConvertOptions& o, std::vector<std::string>* notes) {
  const EncoderConfig c = parse_encoder_config(source.config_json);
  if (c.model_type != "bert" && c.model_type != "distilbert") {
    fail(ErrorCode::kUnsupported, "GGUF export: model_type '" + c.model_type +
                                      "' is not supported yet (supported encoders: bert, distilbert)");
  }
  const json cfg = json::parse(source.config_json);
  std::string architecture;
  if (cfg.contains("architectures") && cfg["architectures"].is_array() &&
      !cfg["architectures"].empty() && cfg["architectures"][0].is_string()) {
    architecture = cfg["architectures"][0].get<std::string>();
  }
  const EncoderHeadKind head = encoder_head_kind_of_architecture(architecture);
  const SafetensorsFile file = SafetensorsFile::parse(source.safetensors.data(), source.safetensors.size());
  const EncoderNames& names = encoder_names(c.model_type);
  const WeightLoader encoder(file, encoder_tensor_prefix(file, names, c.model_type));
  const WeightLoader top(file, "");
  const Vocab vocab = read_vocab(source.tokenizer);
  if ((int64_t)vocab.tokens.size() > c.vocab_size) {
    fail(ErrorCode::kCorruptModel, "the vocabulary has " + std::to_string(vocab.tokens.size()) +
                                       " tokens but config.json's vocab_size is " +
                                       std::to_string(c.vocab_size));
  }

  GgufWriter w;
  const std::string p = "bert.";
  write_general_keys(w, "bert", "Hugging Face " + (architecture.empty() ? c.model_type : architecture),
                     o.dtype);
  w.add_u32(p + "context_length", (uint32_t)c.max_position_embeddings);
  w.add_u32(p + "embedding_length", (uint32_t)c.hidden_size);
  w.add_u32(p + "feed_forward_length", (uint32_t)c.intermediate_size);
  w.add_u32(p + "block_count", (uint32_t)c.num_hidden_layers);
  w.add_u32(p + "attention.head_count", (uint32_t)c.num_attention_heads);
  w.add_f32(p + "attention.layer_norm_epsilon", (float)c.layer_norm_eps);
  w.add_bool(p + "attention.causal", false);
  if (c.type_vocab_size > 0) w.add_u32("tokenizer.ggml.token_type_count", (uint32_t)c.type_vocab_size);
  if ((head == EncoderHeadKind::kSequenceClassification ||
       head == EncoderHeadKind::kTokenClassification) &&
      cfg.contains("id2label") && cfg["id2label"].is_object()) {
    std::vector<std::string> labels(cfg["id2label"].size());
    for (const auto& [id, label] : cfg["id2label"].items()) {
      size_t i = 0;
      try {
        i = std::stoul(id);
      } catch (...) {
        i = labels.size();
      }
      if (i >= labels.size() || !label.is_string()) {
        fail(ErrorCode::kBadConfig, "config.json: id2label is not an object of \"0\"..\"n-1\" -> string");
      }
      labels[i] = label.get<std::string>();
    }
    w.add_string_array(p + "classifier.output_labels", labels);
  }
  w.add_string("pocketformer.encoder.model_type", c.model_type);
  if (!c.pruned_heads.empty()) {
    // llama.cpp's 'bert' has one head count for all layers; a structurally
    // pruned model keeps HF's pruned_heads map (the tensor shapes carry the
    // per-layer widths), so only this runtime reads such a file correctly.
    w.add_string("pocketformer.encoder.pruned_heads", cfg["pruned_heads"].dump());
    if (notes) {
      notes->push_back("structurally pruned: per-layer head counts are in "
                       "pocketformer.encoder.pruned_heads (llama.cpp cannot run this file)");
    }
  }
  w.add_string("pocketformer.head", encoder_head_kind_name(head));
  if (cfg.contains("problem_type") && cfg["problem_type"].is_string()) {
    w.add_string("pocketformer.problem_type", cfg["problem_type"].get<std::string>());
  }
  w.add_string("pocketformer.source", "hf");
  w.add_string("pocketformer.dtype", convert_dtype_name(o.dtype));
  write_vocab(w, vocab, c.vocab_size);

  const bool quantized = o.dtype == ConvertDtype::kQ8_0 || o.dtype == ConvertDtype::kQ4_0;
  for (const GgufEncoderTensor& t : gguf_encoder_tensors(c.model_type, c.num_hidden_layers, head)) {
    const WeightLoader& from = t.head ? top : encoder;
    if (!from.has(t.hf)) {
      if (!t.required) continue;
      fail(ErrorCode::kCorruptModel, "model.safetensors: missing tensor '" + t.hf + "'" +
                                         (t.head ? std::string(" (") + architecture + " head)" : ""));
    }
    const std::vector<int64_t> shape = from.shape(t.hf);
    const std::vector<float> v = from.get(t.hf, shape);
    const std::vector<int64_t> ne(shape.rbegin(), shape.rend());
    GgmlType type = GgmlType::kF32;
    if (ne.size() >= 2) {
      // Quantize only the layers' matrices; embeddings, pooler and heads F16.
      type = quantized && t.gguf.rfind("blk.", 0) != 0 ? GgmlType::kF16
                                                       : storage_type(t.gguf, ne[0], o);
      if (notes && quantized && t.gguf.rfind("blk.", 0) == 0 && type == GgmlType::kF16) {
        notes->push_back(t.gguf + ": rows of " + std::to_string(ne[0]) +
                         " elements stored as F16 (not a multiple of 32, or --keep-f16)");
      }
    }
    w.add_tensor(t.gguf, ne, type, v.data(), v.size());
  }
  if (notes && head != EncoderHeadKind::kNone &&
      (head != EncoderHeadKind::kSequenceClassification || c.model_type == "distilbert")) {
    notes->push_back(std::string("the ") + encoder_head_kind_name(head) +
                     " head is stored under pocketformer.* tensor names llama.cpp does not know");
  }
  return w.finish();
}

}  // namespace pf
