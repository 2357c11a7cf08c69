// Writes a Hugging Face BERT / DistilBERT folder (config.json,
// model.safetensors, vocab.txt or a WordPiece tokenizer.json) as one
// llama.cpp-style "bert" GGUF (tensor names: models/gguf_encoder_names.h):
// llama.cpp's bert.* keys and tokenizer.ggml.* WordPiece vocab (tokens in its
// "▁word" / "continuation" spelling, tokenizer/gguf_wordpiece.h), labels as
// bert.classifier.output_labels, and our pocketformer.* keys for what
// llama.cpp has no key for (encoder.model_type, head, problem_type,
// tokenizer.do_lower_case). Precision follows the decoder policy: vectors
// F32; with q8/q4 only blk.* matrices are quantized, embeddings, pooler and
// heads stay F16.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/accuracy_report.h"
#include "convert/gguf_export.h"
#include "tasks/encoder_tokenizer.h"

namespace pf {

struct EncoderConvertSource {
  std::string config_json;
  std::vector<uint8_t> safetensors;
  TokenizerFiles tokenizer;  // vocab.txt, or tokenizer.json (+ tokenizer_config.json)
};

// True when config.json's model_type is a BERT-family encoder.
bool is_encoder_config_json(const std::string& config_json);

std::vector<uint8_t> export_encoder_gguf(const EncoderConvertSource& source,
                                         const ConvertOptions& options,
                                         std::vector<std::string>* notes = nullptr);

// Each sample through the HF folder (f32) and the GGUF (in the runtime
// format it defaults to): last-hidden-state cosine per token, and the head's
// argmax agreement (label per text, per-token label / MLM token, QA start and
// end) when the model has one.
AccuracyReport measure_encoder_accuracy(const EncoderConvertSource& source,
                                        const std::vector<uint8_t>& gguf, const std::string& dtype,
                                        std::vector<std::string> samples, size_t max_tokens = 64);

}  // namespace pf
