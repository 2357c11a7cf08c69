#include "models/gguf_encoder_names.h"

#include "core/error.h"
#include "models/encoder_names.h"

namespace pf {

const char* encoder_head_kind_name(EncoderHeadKind kind) {
  switch (kind) {
    case EncoderHeadKind::kNone: return "";
    case EncoderHeadKind::kSequenceClassification: return "sequence-classification";
    case EncoderHeadKind::kTokenClassification: return "token-classification";
    case EncoderHeadKind::kQuestionAnswering: return "question-answering";
    case EncoderHeadKind::kMaskedLM: return "masked-lm";
  }
  return "";
}

EncoderHeadKind parse_encoder_head_kind(const std::string& name) {
  for (EncoderHeadKind k : {EncoderHeadKind::kNone, EncoderHeadKind::kSequenceClassification,
                            EncoderHeadKind::kTokenClassification,
                            EncoderHeadKind::kQuestionAnswering, EncoderHeadKind::kMaskedLM}) {
    if (name == encoder_head_kind_name(k)) return k;
  }
  fail(ErrorCode::kCorruptModel, "pocketformer.head '" + name + "' is not a known head kind");
}

EncoderHeadKind encoder_head_kind_of_architecture(const std::string& a) {
  auto ends = [&](const char* s) {
    const std::string t(s);
    return a.size() >= t.size() && a.compare(a.size() - t.size(), t.size(), t) == 0;
  };
  if (ends("ForSequenceClassification")) return EncoderHeadKind::kSequenceClassification;
  if (ends("ForTokenClassification")) return EncoderHeadKind::kTokenClassification;
  if (ends("ForQuestionAnswering")) return EncoderHeadKind::kQuestionAnswering;
  if (ends("ForMaskedLM")) return EncoderHeadKind::kMaskedLM;
  return EncoderHeadKind::kNone;
}

namespace {

// A linear layer: name.weight and name.bias on both sides.
void linear(std::vector<GgufEncoderTensor>* out, const std::string& gguf, const std::string& hf,
            bool head, bool required = true) {
  out->push_back({gguf + ".weight", hf + ".weight", head, required});
  out->push_back({gguf + ".bias", hf + ".bias", head, required});
}

}  // namespace

std::vector<GgufEncoderTensor> gguf_encoder_tensors(const std::string& model_type, int64_t layers,
                                                    EncoderHeadKind head) {
  const bool distil = model_type == "distilbert";
  if (model_type != "bert" && !distil) {
    fail(ErrorCode::kUnsupported, "GGUF encoders: model_type '" + model_type +
                                      "' is not supported (supported: bert, distilbert)");
  }
  const EncoderNames& n = encoder_names(model_type);
  std::vector<GgufEncoderTensor> t;
  t.push_back({"token_embd.weight", n.word_embeddings});
  if (!distil) t.push_back({"token_types.weight", n.token_type_embeddings});
  t.push_back({"position_embd.weight", n.position_embeddings});
  t.push_back({"token_embd_norm.weight", n.embeddings_norm_weight});
  t.push_back({"token_embd_norm.bias", n.embeddings_norm_bias});
  for (int64_t i = 0; i < layers; ++i) {
    const EncoderLayerNames l = n.layer((int)i, 0);  // BERT-family: one stored layer per group
    const std::string b = "blk." + std::to_string(i) + ".";
    const std::pair<const char*, std::pair<const std::string*, const std::string*>> parts[] = {
        {"attn_q", {&l.query_weight, &l.query_bias}},
        {"attn_k", {&l.key_weight, &l.key_bias}},
        {"attn_v", {&l.value_weight, &l.value_bias}},
        {"attn_output", {&l.attention_out_weight, &l.attention_out_bias}},
        {"attn_output_norm", {&l.attention_norm_weight, &l.attention_norm_bias}},
        {"ffn_up", {&l.ffn_in_weight, &l.ffn_in_bias}},
        {"ffn_down", {&l.ffn_out_weight, &l.ffn_out_bias}},
        {"layer_output_norm", {&l.output_norm_weight, &l.output_norm_bias}},
    };
    for (const auto& [gguf, hf] : parts) {
      t.push_back({b + gguf + ".weight", *hf.first});
      t.push_back({b + gguf + ".bias", *hf.second});
    }
  }
  // BERT's pooler is dense + tanh: what llama.cpp applies as "cls".
  if (!distil) {
    t.push_back({"cls.weight", n.pooler_weight, false, false});
    t.push_back({"cls.bias", n.pooler_bias, false, false});
  }
  switch (head) {
    case EncoderHeadKind::kNone: break;
    case EncoderHeadKind::kSequenceClassification:
      // DistilBERT's pre_classifier is followed by ReLU, not llama.cpp's tanh.
      if (distil) linear(&t, "pocketformer.pre_classifier", "pre_classifier", true);
      linear(&t, "cls.output", "classifier", true);
      break;
    case EncoderHeadKind::kTokenClassification:
      linear(&t, "pocketformer.token_classifier", "classifier", true);
      break;
    case EncoderHeadKind::kQuestionAnswering:
      linear(&t, "pocketformer.qa_outputs", "qa_outputs", true);
      break;
    case EncoderHeadKind::kMaskedLM:
      linear(&t, "pocketformer.mlm.dense", distil ? "vocab_transform" : "cls.predictions.transform.dense", true);
      linear(&t, "pocketformer.mlm.norm", distil ? "vocab_layer_norm" : "cls.predictions.transform.LayerNorm", true);
      // Usually tied to the word embeddings (then not stored).
      t.push_back({"pocketformer.mlm.decoder.weight",
                   distil ? "vocab_projector.weight" : "cls.predictions.decoder.weight", true, false});
      t.push_back({"pocketformer.mlm.decoder.bias",
                   distil ? "vocab_projector.bias" : "cls.predictions.bias", true, true});
      break;
  }
  return t;
}

}  // namespace pf
