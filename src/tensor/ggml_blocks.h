// ggml's tensor element types as stored in GGUF files: plain floats and the
// block-quantized formats (a block = a fixed number of elements sharing one or
// two scales). Dequantization reproduces ggml's reference `dequantize_row_*`
// results bit for bit: the same float operations in the same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pf {

// Values are ggml's `enum ggml_type` numbers as written in GGUF tensor infos.
enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kBF16 = 30,
};

// True when `raw` is one of the GgmlType values above (the types we decode).
bool ggml_type_supported(uint32_t raw);
// "Q4_K", "F16", ...; for numbers outside GgmlType, ggml's name when it is a
// known ggml type we do not decode (e.g. "IQ2_XXS"), else "unknown".
std::string ggml_type_name(uint32_t raw);
inline std::string ggml_type_name(GgmlType type) { return ggml_type_name((uint32_t)type); }

// Elements per block (1 for the float types, 32 or 256 for quantized ones).
int64_t ggml_block_size(GgmlType type);
// Bytes one block occupies.
size_t ggml_block_bytes(GgmlType type);
// Bytes of a row of `ne0` elements. Fails with kCorruptModel when ne0 is
// negative or not a multiple of the block size.
size_t ggml_row_bytes(GgmlType type, int64_t ne0);

// Decodes `n` elements (a multiple of the block size; kInvalidArgument
// otherwise) from `src`, which must hold ggml_row_bytes(type, n) bytes, into
// `dst`. No alignment is assumed for `src`.
void dequantize_row(GgmlType type, const uint8_t* src, int64_t n, float* dst);

}  // namespace pf
