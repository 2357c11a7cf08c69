#include "tasks/gguf_encoder_checkpoint.h"

#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "formats/model_config.h"
#include "formats/safetensors_writer.h"
#include "models/gguf_decoder_weights.h"
#include "tasks/feature_extraction.h"
#include "tokenizers/gguf_wordpiece.h"

namespace pf {

namespace {

using nlohmann::json;

// One GGUF tensor as a safetensors entry: ggml ne reversed is the PyTorch
// shape; F32/F16/BF16 bytes copied, quantized blocks dequantized to f32.
SafetensorsEntry to_entry(const GgufTensor& t) {
  SafetensorsEntry e;
  e.shape.assign(t.ne.rbegin(), t.ne.rend());
  switch (t.type) {
    case GgmlType::kF32:
    case GgmlType::kF16:
    case GgmlType::kBF16:
      e.dtype = t.type == GgmlType::kF32 ? DType::kF32
                : t.type == GgmlType::kF16 ? DType::kF16 : DType::kBF16;
      e.data.assign(t.data, t.data + t.nbytes);
      break;
    default: {
      const std::vector<float> v = dequantize_tensor(t);
      e.dtype = DType::kF32;
      e.data.resize(v.size() * sizeof(float));
      std::memcpy(e.data.data(), v.data(), e.data.size());
    }
  }
  return e;
}

// Matrix rows (ne[1]) of a required 2-D tensor.
int64_t rows_of(const GgufFile& f, const std::string& name) {
  const GgufTensor* t = f.find_tensor(name);
  if (t == nullptr) fail(ErrorCode::kCorruptModel, f.file_name() + ": missing tensor '" + name + "'");
  if (t->ne.size() != 2) {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": tensor '" + name + "' has ne " +
                                       t->shape_string() + ", expected 2 dimensions");
  }
  return t->ne[1];
}

EncoderHeadKind head_of(const GgufFile& f) {
  if (f.has("pocketformer.head")) {
    return parse_encoder_head_kind(std::string(f.get_string("pocketformer.head")));
  }
  // llama.cpp's own classifiers / rerankers.
  return f.find_tensor("cls.output.weight") ? EncoderHeadKind::kSequenceClassification
                                            : EncoderHeadKind::kNone;
}

const char* architecture_name(const std::string& model_type, EncoderHeadKind head) {
  const bool d = model_type == "distilbert";
  switch (head) {
    case EncoderHeadKind::kNone: return d ? "DistilBertModel" : "BertModel";
    case EncoderHeadKind::kSequenceClassification:
      return d ? "DistilBertForSequenceClassification" : "BertForSequenceClassification";
    case EncoderHeadKind::kTokenClassification:
      return d ? "DistilBertForTokenClassification" : "BertForTokenClassification";
    case EncoderHeadKind::kQuestionAnswering:
      return d ? "DistilBertForQuestionAnswering" : "BertForQuestionAnswering";
    case EncoderHeadKind::kMaskedLM: return d ? "DistilBertForMaskedLM" : "BertForMaskedLM";
  }
  return "BertModel";
}

// config.json as transformers would write it for this model.
std::string config_json_of(const GgufFile& f, const std::string& model_type, EncoderHeadKind head) {
  const std::string p = "bert.";
  const bool distil = model_type == "distilbert";
  json c = json::object();
  c["model_type"] = model_type;
  c["architectures"] = json::array({architecture_name(model_type, head)});
  c["vocab_size"] = rows_of(f, "token_embd.weight");
  c[distil ? "dim" : "hidden_size"] = f.get_u32(p + "embedding_length");
  c[distil ? "n_layers" : "num_hidden_layers"] = f.get_u32(p + "block_count");
  c[distil ? "n_heads" : "num_attention_heads"] = f.get_u32(p + "attention.head_count");
  c[distil ? "hidden_dim" : "intermediate_size"] = f.get_u32(p + "feed_forward_length");
  c["max_position_embeddings"] = f.get_u32(p + "context_length");
  if (!distil) c["type_vocab_size"] = rows_of(f, "token_types.weight");
  c["pad_token_id"] = f.get_i64_or("tokenizer.ggml.padding_token_id", 0);
  c["layer_norm_eps"] = (double)f.get_f32(p + "attention.layer_norm_epsilon");
  c[distil ? "activation" : "hidden_act"] = "gelu";
  if (f.get_bool_or(p + "attention.causal", false)) {
    fail(ErrorCode::kUnsupported, f.file_name() + ": bert.attention.causal is true (not an encoder)");
  }
  if (f.has(p + "classifier.output_labels")) {
    const auto& labels = f.get_string_array(p + "classifier.output_labels");
    json id2label = json::object(), label2id = json::object();
    for (size_t i = 0; i < labels.size(); ++i) {
      id2label[std::to_string(i)] = std::string(labels[i]);
      label2id[std::string(labels[i])] = i;
    }
    c["id2label"] = id2label;
    c["label2id"] = label2id;
  }
  if (f.has("pocketformer.problem_type")) {
    c["problem_type"] = std::string(f.get_string("pocketformer.problem_type"));
  }
  if (f.has("pocketformer.encoder.pruned_heads")) {
    // Validated with the rest of the config by parse_encoder_config.
    json pruned = json::parse(std::string(f.get_string("pocketformer.encoder.pruned_heads")), nullptr,
                              false);
    if (pruned.is_discarded()) {
      fail(ErrorCode::kCorruptModel,
           f.file_name() + ": pocketformer.encoder.pruned_heads is not JSON");
    }
    c["pruned_heads"] = std::move(pruned);
  }
  return c.dump(2);
}

}  // namespace

bool is_gguf_bytes(const uint8_t* bytes, size_t size) {
  return size >= 4 && std::memcmp(bytes, "GGUF", 4) == 0;
}

bool is_gguf_encoder(const GgufFile& f) {
  return f.has("general.architecture") && f.get_string("general.architecture") == "bert";
}

EncoderCheckpoint encoder_checkpoint_from_gguf(const GgufFile& f) {
  if (!is_gguf_encoder(f)) {
    const std::string arch =
        f.has("general.architecture") ? std::string(f.get_string("general.architecture")) : "";
    fail(ErrorCode::kUnsupported, f.file_name() + ": general.architecture '" + arch +
                                      "' is not an encoder this runtime reads (supported: bert)");
  }
  // llama.cpp writes DistilBERT as "bert" without token_types (the rest of
  // its math is BERT's), so without our key that tells the two apart.
  const std::string model_type(f.get_string_or(
      "pocketformer.encoder.model_type", f.find_tensor("token_types.weight") ? "bert" : "distilbert"));
  EncoderCheckpoint ck;
  ck.head = head_of(f);
  ck.config_json = config_json_of(f, model_type, ck.head);
  // Validate the dimensions before touching tensors: the GGUF's metadata is
  // the model file's, so a bad value is a corrupt model, not a bad config.
  EncoderConfig config;
  try {
    config = parse_encoder_config(ck.config_json, f.file_name() + " (bert.* metadata)");
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kBadConfig) throw;
    fail(ErrorCode::kCorruptModel, e.what());
  }
  std::map<std::string, SafetensorsEntry> tensors;
  for (const GgufEncoderTensor& t : gguf_encoder_tensors(model_type, config.num_hidden_layers, ck.head)) {
    const GgufTensor* g = f.find_tensor(t.gguf);
    if (g == nullptr) {
      if (!t.required) continue;
      fail(ErrorCode::kCorruptModel, f.file_name() + ": missing tensor '" + t.gguf + "'" +
                                         (t.head ? std::string(" (the ") +
                                                       encoder_head_kind_name(ck.head) + " head)"
                                                 : ""));
    }
    tensors.emplace(t.hf, to_entry(*g));
  }
  ck.safetensors = write_safetensors(tensors);
  if (!f.has("tokenizer.ggml.model")) {
    fail(ErrorCode::kUnsupported, f.file_name() + ": no tokenizer.ggml.* vocab (encoder tasks need one)");
  }
  ck.tokenizer.vocab_txt = gguf_wordpiece_vocab_txt(f);
  ck.tokenizer.vocab_lowercase = gguf_wordpiece_lowercase(f);
  ck.default_format = default_weight_format(f);
  return ck;
}

EncoderCheckpoint encoder_checkpoint_from_gguf(const uint8_t* bytes, size_t size,
                                               const std::string& file_name) {
  return encoder_checkpoint_from_gguf(GgufFile::parse(bytes, size, file_name));
}

WeightFormat gguf_encoder_format(const EncoderCheckpoint& ck, const std::string& dtype) {
  return dtype == "auto" || dtype.empty() ? ck.default_format : parse_dtype_option(dtype);
}

}  // namespace pf
