#include "kernels/half_rows.h"

#include <cstring>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#include "formats/gguf_writer.h"

namespace pf {

namespace {

// Exponent and mantissa moved into f32 position, then scaled by 2^112 to
// rebias the exponent (15 -> 127): exact for normals and, through f32
// subnormal arithmetic, for half subnormals; inf/NaN get the f32 all-ones
// exponent directly.
float widen(uint16_t h) {
  const uint32_t em = (uint32_t)(h & 0x7fffu) << 13;
  float f;
  std::memcpy(&f, &em, 4);
  f *= 0x1p112f;
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((h & 0x7c00u) == 0x7c00u) u = em | 0x7f800000u;
  u |= (uint32_t)(h & 0x8000u) << 16;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace

void f32_to_f16_row(const float* src, uint16_t* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = f32_to_f16(src[i]);
}

void f16_to_f32_row(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
#ifdef __wasm_simd128__
  const v128_t magnitude = wasm_i32x4_splat(0x7fff), special = wasm_i32x4_splat(0x7c00),
               sign = wasm_i32x4_splat(0x8000), inf = wasm_i32x4_splat(0x7f800000);
  const v128_t rebias = wasm_f32x4_splat(0x1p112f);
  for (; i + 4 <= n; i += 4) {
    const v128_t h = wasm_u32x4_load16x4(src + i);
    const v128_t em = wasm_i32x4_shl(wasm_v128_and(h, magnitude), 13);
    v128_t f = wasm_f32x4_mul(em, rebias);
    const v128_t is_special = wasm_i32x4_eq(wasm_v128_and(h, special), special);
    f = wasm_v128_bitselect(wasm_v128_or(em, inf), f, is_special);
    f = wasm_v128_or(f, wasm_i32x4_shl(wasm_v128_and(h, sign), 16));
    wasm_v128_store(dst + i, f);
  }
#endif
  for (; i < n; ++i) dst[i] = widen(src[i]);
}

}  // namespace pf
