// BERT-family encoders in GGUF: llama.cpp's "bert" architecture tensor
// names (gguf-py tensor_mapping: token_embd, token_types, position_embd,
// token_embd_norm, blk.N.attn_q/attn_k/attn_v/attn_output, attn_output_norm,
// ffn_up, ffn_down, layer_output_norm; the BERT pooler as "cls", a sequence
// classifier as "cls.output", as llama.cpp stores rerankers) paired with the
// Hugging Face names. llama.cpp converts DistilBERT to the same
// architecture (no token_types). Task heads llama.cpp has no names for live
// under "pocketformer.*" tensor names; llama.cpp refuses files with tensors
// it does not know, so only bare encoders and BERT sequence classifiers
// stay loadable there.
#pragma once

#include <string>
#include <vector>

namespace pf {

// What a GGUF encoder carries on top of the encoder ("pocketformer.head").
enum class EncoderHeadKind { kNone, kSequenceClassification, kTokenClassification,
                             kQuestionAnswering, kMaskedLM };
const char* encoder_head_kind_name(EncoderHeadKind kind);  // "" | "sequence-classification" | ...
// kCorruptModel for an unknown name.
EncoderHeadKind parse_encoder_head_kind(const std::string& name);
// From config.json's architectures[0] ("BertForMaskedLM" -> kMaskedLM).
EncoderHeadKind encoder_head_kind_of_architecture(const std::string& architecture);

struct GgufEncoderTensor {
  std::string gguf;  // "blk.0.attn_q.weight"
  // Hugging Face name: encoder tensors without the task prefix
  // ("encoder.layer.0.attention.self.query.weight"), heads at the top level
  // of a task checkpoint ("classifier.weight").
  std::string hf;
  bool head = false;      // a task-head tensor
  bool required = true;   // false: token_types, the pooler, a tied MLM decoder
};

// Every tensor of a `model_type` ("bert" | "distilbert") encoder with
// `layers` layers and `head`. kUnsupported for other model types.
std::vector<GgufEncoderTensor> gguf_encoder_tensors(const std::string& model_type, int64_t layers,
                                                    EncoderHeadKind head);

}  // namespace pf
