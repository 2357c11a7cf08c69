// IEEE binary16 rows <-> f32 for the f16 KV cache: stores round to nearest
// even (f32_to_f16), loads are exact and vectorized (SIMD128 in wasm), since
// attention widens every cached key and value it reads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pf {

void f32_to_f16_row(const float* src, uint16_t* dst, size_t n);
void f16_to_f32_row(const uint16_t* src, float* dst, size_t n);

}  // namespace pf
