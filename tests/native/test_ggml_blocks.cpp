// ggml block decoding on hand-built blocks whose values follow directly from
// the layouts in ggml-common.h (the bit-exact comparison against the Python
// reference over random blocks is in test_gguf.cpp).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "tensor/ggml_blocks.h"

namespace {

using pf::GgmlType;

constexpr uint16_t kHalfOne = 0x3C00;   // 1.0
constexpr uint16_t kHalfHalf = 0x3800;  // 0.5

void put_half(std::vector<uint8_t>& b, size_t pos, uint16_t h) {
  b[pos] = (uint8_t)h;
  b[pos + 1] = (uint8_t)(h >> 8);
}

std::vector<float> decode(GgmlType t, const std::vector<uint8_t>& block) {
  const int64_t n = pf::ggml_block_size(t);
  REQUIRE(block.size() == pf::ggml_block_bytes(t));
  std::vector<float> y((size_t)n);
  pf::dequantize_row(t, block.data(), n, y.data());
  return y;
}

// Packs sub-block scales and mins (6 bits each) into the Q4_K / Q5_K layout.
void pack_k4(std::vector<uint8_t>& b, size_t pos, const int sc[8], const int mn[8]) {
  for (int j = 0; j < 4; ++j) {
    b[pos + j] = (uint8_t)(sc[j] | ((sc[j + 4] >> 4) << 6));
    b[pos + 4 + j] = (uint8_t)(mn[j] | ((mn[j + 4] >> 4) << 6));
    b[pos + 8 + j] = (uint8_t)((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
  }
}

}  // namespace

TEST_CASE("ggml blocks: sizes match ggml-common.h", "[ggml_blocks]") {
  struct { GgmlType t; int64_t qk; size_t bytes; const char* name; } table[] = {
      {GgmlType::kF32, 1, 4, "F32"},      {GgmlType::kF16, 1, 2, "F16"},
      {GgmlType::kBF16, 1, 2, "BF16"},    {GgmlType::kQ4_0, 32, 18, "Q4_0"},
      {GgmlType::kQ4_1, 32, 20, "Q4_1"},  {GgmlType::kQ5_0, 32, 22, "Q5_0"},
      {GgmlType::kQ5_1, 32, 24, "Q5_1"},  {GgmlType::kQ8_0, 32, 34, "Q8_0"},
      {GgmlType::kQ2_K, 256, 84, "Q2_K"}, {GgmlType::kQ3_K, 256, 110, "Q3_K"},
      {GgmlType::kQ4_K, 256, 144, "Q4_K"}, {GgmlType::kQ5_K, 256, 176, "Q5_K"},
      {GgmlType::kQ6_K, 256, 210, "Q6_K"}, {GgmlType::kQ8_K, 256, 292, "Q8_K"},
  };
  for (const auto& row : table) {
    INFO(row.name);
    CHECK(pf::ggml_block_size(row.t) == row.qk);
    CHECK(pf::ggml_block_bytes(row.t) == row.bytes);
    CHECK(pf::ggml_type_name(row.t) == row.name);
    CHECK(pf::ggml_type_supported((uint32_t)row.t));
    CHECK(pf::ggml_row_bytes(row.t, 4 * row.qk) == 4 * row.bytes);
  }
  CHECK(pf::ggml_type_name(16) == "IQ2_XXS");
  CHECK(pf::ggml_type_name(1234) == "unknown");
  CHECK(!pf::ggml_type_supported(16));
  CHECK(!pf::ggml_type_supported(4));  // the removed Q4_2
}

TEST_CASE("ggml blocks: partial blocks are rejected", "[ggml_blocks]") {
  try {
    pf::ggml_row_bytes(GgmlType::kQ4_K, 300);
    FAIL("no error");
  } catch (const pf::Error& e) {
    CHECK(e.code() == pf::ErrorCode::kCorruptModel);
    CHECK_THAT(e.what(), Catch::Matchers::Contains("300 Q4_K elements") &&
                             Catch::Matchers::Contains("256-element blocks"));
  }
  float y[32];
  const uint8_t zeros[64] = {};
  CHECK_THROWS_AS(pf::dequantize_row(GgmlType::kQ8_0, zeros, 31, y), pf::Error);
  CHECK(pf::ggml_row_bytes(GgmlType::kF16, 7) == 14);
}

TEST_CASE("ggml blocks: 32-element formats", "[ggml_blocks]") {
  SECTION("Q4_0: (nibble - 8) * d; low nibbles first, then high") {
    std::vector<uint8_t> b(18);
    put_half(b, 0, kHalfHalf);
    for (int j = 0; j < 16; ++j) b[2 + j] = (uint8_t)(j | ((15 - j) << 4));
    const auto y = decode(GgmlType::kQ4_0, b);
    for (int j = 0; j < 16; ++j) {
      CHECK(y[j] == 0.5f * (j - 8));
      CHECK(y[j + 16] == 0.5f * (7 - j));
    }
  }
  SECTION("Q4_1: nibble * d + m") {
    std::vector<uint8_t> b(20);
    put_half(b, 0, kHalfOne);
    put_half(b, 2, 0xC000);  // -2.0
    for (int j = 0; j < 16; ++j) b[4 + j] = (uint8_t)(j | (j << 4));
    const auto y = decode(GgmlType::kQ4_1, b);
    for (int j = 0; j < 16; ++j) {
      CHECK(y[j] == j - 2.0f);
      CHECK(y[j + 16] == j - 2.0f);
    }
  }
  SECTION("Q5_0 / Q5_1: the 5th bit of element j is bit j of qh") {
    std::vector<uint8_t> b0(22), b1(24);
    put_half(b0, 0, kHalfOne);
    put_half(b1, 0, kHalfOne);
    put_half(b1, 2, kHalfHalf);
    const uint32_t qh = 0xA5C30F01u;
    for (int k = 0; k < 4; ++k) {
      b0[2 + k] = (uint8_t)(qh >> (8 * k));
      b1[4 + k] = (uint8_t)(qh >> (8 * k));
    }
    for (int j = 0; j < 16; ++j) b0[6 + j] = b1[8 + j] = (uint8_t)((j & 0xF) | ((15 - j) << 4));
    const auto y0 = decode(GgmlType::kQ5_0, b0);
    const auto y1 = decode(GgmlType::kQ5_1, b1);
    for (int i = 0; i < 32; ++i) {
      const int low = i < 16 ? i : 15 - (i - 16);
      const int q = low | (int)(((qh >> i) & 1) << 4);
      INFO("element " << i);
      CHECK(y0[i] == (float)(q - 16));
      CHECK(y1[i] == (float)q + 0.5f);
    }
  }
  SECTION("Q8_0: int8 * d") {
    std::vector<uint8_t> b(34);
    put_half(b, 0, kHalfHalf);
    for (int j = 0; j < 32; ++j) b[2 + j] = (uint8_t)(int8_t)(j * 8 - 128);
    const auto y = decode(GgmlType::kQ8_0, b);
    for (int j = 0; j < 32; ++j) CHECK(y[j] == 0.5f * (j * 8 - 128));
  }
}

TEST_CASE("ggml blocks: K-quant scale packing", "[ggml_blocks]") {
  SECTION("Q4_K: sub-block j uses d*sc[j]*q - dmin*mn[j]; runs of 32 bytes hold two sub-blocks") {
    std::vector<uint8_t> b(144);
    put_half(b, 0, kHalfOne);
    put_half(b, 2, kHalfHalf);
    const int sc[8] = {1, 63, 17, 33, 48, 5, 62, 31};
    const int mn[8] = {0, 2, 63, 40, 16, 59, 1, 47};
    pack_k4(b, 4, sc, mn);
    for (int r = 0; r < 4; ++r) {
      for (int l = 0; l < 32; ++l) b[16 + 32 * r + l] = (uint8_t)((l & 0xF) | ((15 - (l & 0xF)) << 4));
    }
    const auto y = decode(GgmlType::kQ4_K, b);
    for (int i = 0; i < 256; ++i) {
      const int sub = i / 32, l = i % 32;
      const int q = sub % 2 == 0 ? (l & 0xF) : 15 - (l & 0xF);
      INFO("element " << i);
      CHECK(y[i] == (float)(sc[sub] * q) - 0.5f * (float)mn[sub]);
    }
  }
  SECTION("Q5_K: adds 16 when bit j of qh[l] is set for sub-block j") {
    std::vector<uint8_t> b(176);
    put_half(b, 0, kHalfOne);
    put_half(b, 2, kHalfOne);
    const int sc[8] = {2, 3, 60, 1, 17, 63, 32, 8};
    const int mn[8] = {1, 0, 5, 63, 20, 9, 48, 2};
    pack_k4(b, 4, sc, mn);
    for (int l = 0; l < 32; ++l) b[16 + l] = (uint8_t)(l * 37 + 11);  // qh
    for (int i = 0; i < 128; ++i) b[48 + i] = (uint8_t)(i * 13 + 7);  // qs
    const auto y = decode(GgmlType::kQ5_K, b);
    for (int i = 0; i < 256; ++i) {
      const int sub = i / 32, l = i % 32;
      const uint8_t byte = b[48 + 32 * (sub / 2) + l];
      const int q = (sub % 2 == 0 ? byte & 0xF : byte >> 4) + (((b[16 + l] >> sub) & 1) ? 16 : 0);
      INFO("element " << i);
      CHECK(y[i] == (float)(sc[sub] * q - mn[sub]));
    }
  }
  SECTION("Q6_K: 6-bit signed quants times int8 scales per 16") {
    std::vector<uint8_t> b(210);
    for (int i = 0; i < 128; ++i) b[i] = (uint8_t)(i * 29 + 3);         // ql
    for (int i = 0; i < 64; ++i) b[128 + i] = (uint8_t)(i * 53 + 1);     // qh
    for (int i = 0; i < 16; ++i) b[192 + i] = (uint8_t)(int8_t)(i * 9 - 70);  // scales
    put_half(b, 208, kHalfOne);
    const auto y = decode(GgmlType::kQ6_K, b);
    for (int i = 0; i < 256; ++i) {
      const int half = i / 128, c = (i % 128) / 32, l = i % 32;
      const uint8_t lo_byte = b[64 * half + l + (c % 2 ? 32 : 0)];
      const int lo = c < 2 ? lo_byte & 0xF : lo_byte >> 4;
      const int hi = (b[128 + 32 * half + l] >> (2 * c)) & 3;
      const int q = (lo | (hi << 4)) - 32;
      const int scale = (int8_t)b[192 + i / 16];
      INFO("element " << i);
      CHECK(y[i] == (float)(scale * q));
    }
  }
  SECTION("Q3_K: 6-bit scales (minus 32), 2 low bits + hmask bit (clear = minus 4)") {
    std::vector<uint8_t> b(110);
    for (int i = 0; i < 32; ++i) b[i] = (uint8_t)(i * 71 + 5);       // hmask
    for (int i = 0; i < 64; ++i) b[32 + i] = (uint8_t)(i * 19 + 2);  // qs
    int scales[16];
    for (int i = 0; i < 16; ++i) scales[i] = (i * 23 + 4) % 64;
    for (int i = 0; i < 4; ++i) {
      b[96 + i] = (uint8_t)((scales[i] & 0xF) | ((scales[i + 8] & 0xF) << 4));
      b[100 + i] = (uint8_t)((scales[i + 4] & 0xF) | ((scales[i + 12] & 0xF) << 4));
      b[104 + i] = (uint8_t)((scales[i] >> 4) | ((scales[i + 4] >> 4) << 2) | ((scales[i + 8] >> 4) << 4) |
                             ((scales[i + 12] >> 4) << 6));
    }
    put_half(b, 108, kHalfOne);
    const auto y = decode(GgmlType::kQ3_K, b);
    for (int i = 0; i < 256; ++i) {
      const int half = i / 128, k = (i % 128) / 32, l = i % 32;
      const int low = (b[32 + 32 * half + l] >> (2 * k)) & 3;
      const bool high = (b[l] >> (4 * half + k)) & 1;
      INFO("element " << i);
      CHECK(y[i] == (float)((scales[i / 16] - 32) * (low - (high ? 0 : 4))));
    }
  }
  SECTION("Q2_K: 4-bit scale and min per 16") {
    std::vector<uint8_t> b(84);
    for (int i = 0; i < 16; ++i) b[i] = (uint8_t)(i * 37 + 9);
    for (int i = 0; i < 64; ++i) b[16 + i] = (uint8_t)(i * 101 + 3);
    put_half(b, 80, kHalfOne);
    put_half(b, 82, kHalfHalf);
    const auto y = decode(GgmlType::kQ2_K, b);
    for (int i = 0; i < 256; ++i) {
      const int half = i / 128, k = (i % 128) / 32, l = i % 32;
      const int q = (b[16 + 32 * half + l] >> (2 * k)) & 3;
      const uint8_t s = b[i / 16];
      INFO("element " << i);
      CHECK(y[i] == (float)((s & 0xF) * q) - 0.5f * (float)(s >> 4));
    }
  }
  SECTION("Q8_K: f32 d times int8") {
    std::vector<uint8_t> b(292);
    const float d = 0.25f;
    std::memcpy(b.data(), &d, 4);
    for (int i = 0; i < 256; ++i) b[4 + i] = (uint8_t)(int8_t)(i - 128);
    const auto y = decode(GgmlType::kQ8_K, b);
    for (int i = 0; i < 256; ++i) CHECK(y[i] == 0.25f * (i - 128));
  }
}

TEST_CASE("ggml blocks: multi-block rows decode block by block", "[ggml_blocks]") {
  std::vector<uint8_t> row(3 * 34);
  for (int blk = 0; blk < 3; ++blk) {
    put_half(row, 34 * blk, (uint16_t)(kHalfOne + 0x400 * blk));  // 1, 2, 4
    for (int j = 0; j < 32; ++j) row[34 * blk + 2 + j] = (uint8_t)(j - 16);
  }
  std::vector<float> y(96);
  pf::dequantize_row(GgmlType::kQ8_0, row.data(), 96, y.data());
  for (int i = 0; i < 96; ++i) CHECK(y[i] == (float)((i % 32) - 16) * (float)(1 << (i / 32)));
}
