// Weight quantization done at load time, so a page can download f32/f16
// weights and run int8 or 4-bit kernels. Symmetric, per output channel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pf {

struct QuantizedWeights {
  size_t rows = 0;             // output channels
  size_t cols = 0;             // input channels
  size_t block = 0;            // 0: one scale per row; else columns per scale
  std::vector<float> scales;   // [rows] or [rows, cols / block] (bf16-representable)
  std::vector<uint8_t> data;   // int8: rows*cols bytes; int4: rows*ceil(cols/2) bytes
};

// int8: q = round(w / s), s = max|w_row| / 127, q in [-127, 127].
QuantizedWeights quantize_int8_per_channel(const float* weight, size_t rows, size_t cols);

// 4-bit: q = round(w / s), q in [-8, 7], s chosen per row in
// [0.6, 1] * max|w_row| / 7 to minimize squared error, stored as q + 8
// in nibbles: byte j of a row holds column 2j in its low nibble and 2j + 1 in
// its high nibble (XNNPACK's qc4w layout with kernel_zero_point 8).
QuantizedWeights quantize_int4_per_channel(const float* weight, size_t rows, size_t cols);

// 4-bit with one scale per `block` columns (cols % block == 0), each scale
// rounded to bf16 (XNNPACK's qb4w takes bf16 scales); same nibble layout.
QuantizedWeights quantize_int4_blockwise(const float* weight, size_t rows, size_t cols,
                                         size_t block);

// bf16 bits (round to nearest even) of a finite float.
uint16_t f32_to_bf16_bits(float value);

// The f32 weights the quantized ones stand for (used by tests and reports).
std::vector<float> dequantize_int8(const QuantizedWeights& q);
std::vector<float> dequantize_int4(const QuantizedWeights& q);

}  // namespace pf
