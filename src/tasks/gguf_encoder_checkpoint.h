// A BERT-family encoder GGUF (llama.cpp's "bert" architecture, see
// models/gguf_encoder_names.h) turned back into what a Hugging Face model
// folder holds: config.json text (from the bert.* keys, labels from
// bert.classifier.output_labels, our pocketformer.* keys), the tensors under
// their HF names as an in-memory safetensors file, and the WordPiece vocab
// as vocab.txt. Every encoder task then loads it the way it loads a folder.
// F32/F16/BF16 tensors are copied bit for bit; quantized ones are
// dequantized (bit-exact) to f32, so loading briefly holds the GGUF, an f32
// copy of the quantized tensors, and the runtime's packed weights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/gguf.h"
#include "kernels/linear.h"
#include "models/gguf_encoder_names.h"
#include "tasks/encoder_tokenizer.h"

namespace pf {

struct EncoderCheckpoint {
  std::string config_json;
  std::vector<uint8_t> safetensors;
  TokenizerFiles tokenizer;
  EncoderHeadKind head = EncoderHeadKind::kNone;
  // The runtime precision matching the file's layer matrices (Q8_0 -> int8,
  // Q4_0 -> int4, F32/F16 -> f32): what dtype "auto" picks.
  WeightFormat default_format = WeightFormat::kF32;
};

// True when the bytes start with the GGUF magic.
bool is_gguf_bytes(const uint8_t* bytes, size_t size);
// True for the architectures encoder_checkpoint_from_gguf reads ("bert").
bool is_gguf_encoder(const GgufFile& file);

// kUnsupported for other architectures / model types / tokenizers,
// kCorruptModel for missing tensors, wrong shapes or bad metadata.
EncoderCheckpoint encoder_checkpoint_from_gguf(const GgufFile& file);
EncoderCheckpoint encoder_checkpoint_from_gguf(const uint8_t* bytes, size_t size,
                                               const std::string& file_name = "model.gguf");

// "auto" -> the file's own precision, otherwise parse_dtype_option(name).
WeightFormat gguf_encoder_format(const EncoderCheckpoint& checkpoint, const std::string& dtype);

}  // namespace pf
