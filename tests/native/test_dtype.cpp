#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "tensor/dtype.h"

TEST_CASE("f16 decoding is exact for normals, subnormals and specials") {
  CHECK(pf::f16_to_f32(0x3c00) == 1.0f);
  CHECK(pf::f16_to_f32(0xc000) == -2.0f);
  CHECK(pf::f16_to_f32(0x7bff) == 65504.0f);
  CHECK(pf::f16_to_f32(0x0001) == std::ldexp(1.0f, -24));  // smallest subnormal
  CHECK(pf::f16_to_f32(0x03ff) == std::ldexp(1023.0f, -24));
  CHECK(pf::f16_to_f32(0x0400) == std::ldexp(1.0f, -14));  // smallest normal
  CHECK(std::signbit(pf::f16_to_f32(0x8000)));
  CHECK(std::isinf(pf::f16_to_f32(0x7c00)));
  CHECK(std::isnan(pf::f16_to_f32(0x7e00)));
  CHECK(pf::f16_to_f32(0x3555) == Approx(0.33325195).epsilon(1e-7));
}

TEST_CASE("bf16 decoding keeps the top 16 bits of f32") {
  CHECK(pf::bf16_to_f32(0x3f80) == 1.0f);
  CHECK(pf::bf16_to_f32(0xc0a0) == -5.0f);
  const uint8_t bytes[4] = {0x80, 0x3f, 0x00, 0xc0};  // little-endian 1.0, -2.0
  float out[2];
  pf::convert_to_f32(pf::DType::kBF16, bytes, 2, out);
  CHECK(out[0] == 1.0f);
  CHECK(out[1] == -2.0f);
}
