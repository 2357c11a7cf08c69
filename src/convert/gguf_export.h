// Writes a decoder (any ConvertSource) as one llama.cpp-compatible GGUF:
// llama.cpp's metadata keys and tensor names, HF Llama q/k rows permuted to
// llama.cpp's interleaved-RoPE order, the SentencePiece vocab as
// tokenizer.ggml.*, tokenizer.json as tokenizer.huggingface.json, and our
// own pocketformer.* keys where llama.cpp has none.
//
// Precision policy: norms and biases stay F32; with --dtype q8/q4 the token
// embedding, the output head and every tensor matching a keep_f16 glob are
// F16 (they dominate quality per byte in small models); a matrix whose rows
// are not a multiple of the 32-element block falls back to F16.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/convert_source.h"
#include "formats/gguf_writer.h"
#include "tensor/ggml_blocks.h"

namespace pf {

enum class ConvertDtype { kF32, kF16, kQ8_0, kQ4_0 };

// "f32" | "f16" | "q8" (also "q8_0") | "q4" (also "q4_0"); kInvalidArgument otherwise.
ConvertDtype parse_convert_dtype(const std::string& name);
const char* convert_dtype_name(ConvertDtype dtype);

struct ConvertOptions {
  ConvertDtype dtype = ConvertDtype::kF32;
  std::vector<std::string> keep_f16;  // globs over GGUF tensor names ('*', '?')
};

// '*' matches any run of characters, '?' one character.
bool glob_match(const std::string& pattern, const std::string& text);

// The ggml type `name` (a 2-D tensor whose rows have ne0 elements) is stored
// in under `options`.
GgmlType storage_type(const std::string& name, int64_t ne0, const ConvertOptions& options);

// The GGUF file. `notes` (optional) receives one line per policy decision
// worth telling the user (fallbacks).
std::vector<uint8_t> export_decoder_gguf(const ConvertSource& source, const ConvertOptions& options,
                                         std::vector<std::string>* notes = nullptr);

// The general.* keys every converted file starts with: architecture, name,
// llama.cpp's file_type number for `dtype`, and the quantization version
// when the dtype quantizes.
void write_general_keys(GgufWriter& w, const std::string& architecture, const std::string& name,
                        ConvertDtype dtype);

// HF (rotate_half) q/k rows -> llama.cpp's interleaved order, per head:
// row 2i <- row i, row 2i+1 <- row head_dim/2 + i. `w` is [heads*head_dim, cols].
std::vector<float> permute_to_interleaved(const std::vector<float>& w, int64_t heads,
                                          int64_t head_dim, int64_t cols);

}  // namespace pf
