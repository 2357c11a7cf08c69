// Element types a model file may store, and conversion of stored values to
// the f32 the kernels compute in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pf {

enum class DType { kF32, kF16, kBF16 };

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);

// IEEE 754 binary16 -> binary32, exact (all halves are representable).
float f16_to_f32(uint16_t bits);
// bfloat16 is the top half of a binary32.
float bf16_to_f32(uint16_t bits);

// Converts `count` little-endian stored values at `src` (no alignment
// assumed) to f32.
void convert_to_f32(DType dtype, const uint8_t* src, size_t count, float* dst);

}  // namespace pf
