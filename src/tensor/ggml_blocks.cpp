#include "tensor/ggml_blocks.h"

#include <cstring>

#include "core/error.h"
#include "tensor/dtype.h"

// Bit-exactness with ggml needs each product and difference rounded to f32
// separately, as the reference C code is written; a fused multiply-add would
// round once and differ in the last bit.
#pragma clang fp contract(off)

namespace pf {

namespace {

constexpr int kQK = 32;     // elements per block of the Q4_0 .. Q8_0 formats
constexpr int kQK_K = 256;  // elements per super-block of the K-quants

// Byte offsets inside each block, from ggml-common.h's block_* structs (all
// members are byte arrays or halves, so the structs have no padding).
struct Layout {
  GgmlType type;
  const char* name;
  int64_t block_size;
  size_t block_bytes;
};

constexpr Layout kLayouts[] = {
    {GgmlType::kF32, "F32", 1, 4},
    {GgmlType::kF16, "F16", 1, 2},
    {GgmlType::kBF16, "BF16", 1, 2},
    {GgmlType::kQ4_0, "Q4_0", kQK, 2 + 16},            // d, qs[16]
    {GgmlType::kQ4_1, "Q4_1", kQK, 2 + 2 + 16},        // d, m, qs[16]
    {GgmlType::kQ5_0, "Q5_0", kQK, 2 + 4 + 16},        // d, qh[4], qs[16]
    {GgmlType::kQ5_1, "Q5_1", kQK, 2 + 2 + 4 + 16},    // d, m, qh[4], qs[16]
    {GgmlType::kQ8_0, "Q8_0", kQK, 2 + 32},            // d, qs[32]
    {GgmlType::kQ2_K, "Q2_K", kQK_K, 16 + 64 + 2 + 2},  // scales, qs, d, dmin
    {GgmlType::kQ3_K, "Q3_K", kQK_K, 32 + 64 + 12 + 2},  // hmask, qs, scales, d
    {GgmlType::kQ4_K, "Q4_K", kQK_K, 2 + 2 + 12 + 128},  // d, dmin, scales, qs
    {GgmlType::kQ5_K, "Q5_K", kQK_K, 2 + 2 + 12 + 32 + 128},  // d, dmin, scales, qh, qs
    {GgmlType::kQ6_K, "Q6_K", kQK_K, 128 + 64 + 16 + 2},      // ql, qh, scales, d
    {GgmlType::kQ8_K, "Q8_K", kQK_K, 4 + 256 + 32},           // d (f32), qs, bsums
};

const Layout* find_layout(uint32_t raw) {
  for (const Layout& l : kLayouts) {
    if ((uint32_t)l.type == raw) return &l;
  }
  return nullptr;
}

const Layout& layout(GgmlType type) {
  const Layout* l = find_layout((uint32_t)type);
  if (!l) fail(ErrorCode::kUnsupported, "ggml type " + std::to_string((uint32_t)type) + " is not supported");
  return *l;
}

inline uint16_t u16_at(const uint8_t* p) { return (uint16_t)(p[0] | (p[1] << 8)); }
inline uint32_t u32_at(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
inline float half_at(const uint8_t* p) { return f16_to_f32(u16_at(p)); }

// The 6-bit scale and min of sub-block j (0..7) of a Q4_K / Q5_K block, packed
// into 12 bytes: sub-blocks 0-3 use the low 6 bits of bytes 0-3 (scales) and
// 4-7 (mins); sub-blocks 4-7 keep their low 4 bits in bytes 8-11 (scale low
// nibble, min high nibble) and their top 2 bits in the spare top bits of
// bytes 0-3 (scales) and 4-7 (mins).
inline void k4_scale_min(int j, const uint8_t* s, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = s[j] & 63;
    *min = s[j + 4] & 63;
  } else {
    *scale = (uint8_t)((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
    *min = (uint8_t)((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
  }
}

void dequant_q4_0(const uint8_t* b, float* y) {
  const float d = half_at(b);
  const uint8_t* qs = b + 2;
  for (int j = 0; j < 16; ++j) {
    y[j] = (float)((qs[j] & 0xF) - 8) * d;
    y[j + 16] = (float)((qs[j] >> 4) - 8) * d;
  }
}

void dequant_q4_1(const uint8_t* b, float* y) {
  const float d = half_at(b), m = half_at(b + 2);
  const uint8_t* qs = b + 4;
  for (int j = 0; j < 16; ++j) {
    y[j] = (float)(qs[j] & 0xF) * d + m;
    y[j + 16] = (float)(qs[j] >> 4) * d + m;
  }
}

// Q5_0 / Q5_1: the 5th bit of element j is bit j of the little-endian qh word.
void dequant_q5_0(const uint8_t* b, float* y) {
  const float d = half_at(b);
  const uint32_t qh = u32_at(b + 2);
  const uint8_t* qs = b + 6;
  for (int j = 0; j < 16; ++j) {
    const int hi0 = (int)((qh >> j) & 1) << 4, hi1 = (int)((qh >> (j + 16)) & 1) << 4;
    y[j] = (float)(((qs[j] & 0xF) | hi0) - 16) * d;
    y[j + 16] = (float)(((qs[j] >> 4) | hi1) - 16) * d;
  }
}

void dequant_q5_1(const uint8_t* b, float* y) {
  const float d = half_at(b), m = half_at(b + 2);
  const uint32_t qh = u32_at(b + 4);
  const uint8_t* qs = b + 8;
  for (int j = 0; j < 16; ++j) {
    const int hi0 = (int)((qh >> j) & 1) << 4, hi1 = (int)((qh >> (j + 16)) & 1) << 4;
    y[j] = (float)((qs[j] & 0xF) | hi0) * d + m;
    y[j + 16] = (float)((qs[j] >> 4) | hi1) * d + m;
  }
}

void dequant_q8_0(const uint8_t* b, float* y) {
  const float d = half_at(b);
  for (int j = 0; j < 32; ++j) y[j] = (float)(int8_t)b[2 + j] * d;
}

// Q2_K: 16 sub-blocks of 16; scales[i] = 4-bit scale | 4-bit min << 4. The
// 2-bit quants of each 128-element half are spread over 32 bytes, one bit
// pair per 32-element run.
void dequant_q2_k(const uint8_t* b, float* y) {
  const uint8_t* scales = b;
  const uint8_t* q = b + 16;
  const float d = half_at(b + 80), dmin = half_at(b + 82);
  int is = 0;
  for (int half = 0; half < 2; ++half, q += 32) {
    for (int shift = 0; shift < 8; shift += 2) {
      for (int part = 0; part < 2; ++part) {
        const uint8_t sc = scales[is++];
        const float dl = d * (float)(sc & 0xF), ml = dmin * (float)(sc >> 4);
        const uint8_t* qp = q + 16 * part;
        for (int l = 0; l < 16; ++l) *y++ = dl * (float)((qp[l] >> shift) & 3) - ml;
      }
    }
  }
}

// Q3_K: 2 low bits as in Q2_K, the 3rd bit in hmask (bit k of hmask[l] for
// the k-th 32-element run, cleared meaning "subtract 4"), and 16 signed
// 6-bit scales packed in 12 bytes: low nibbles in bytes 0-7, top 2 bits in
// bytes 8-11.
void dequant_q3_k(const uint8_t* b, float* y) {
  const uint8_t* hmask = b;
  const uint8_t* q = b + 32;
  const uint8_t* packed = b + 96;
  const float d = half_at(b + 108);
  int scales[16];
  for (int i = 0; i < 4; ++i) {
    const uint8_t top = packed[8 + i];
    scales[i] = (packed[i] & 0xF) | (((top >> 0) & 3) << 4);
    scales[i + 4] = (packed[i + 4] & 0xF) | (((top >> 2) & 3) << 4);
    scales[i + 8] = (packed[i] >> 4) | (((top >> 4) & 3) << 4);
    scales[i + 12] = (packed[i + 4] >> 4) | (((top >> 6) & 3) << 4);
  }
  int is = 0;
  uint8_t m = 1;
  for (int half = 0; half < 2; ++half, q += 32) {
    for (int shift = 0; shift < 8; shift += 2, m = (uint8_t)(m << 1)) {
      for (int part = 0; part < 2; ++part) {
        const float dl = d * (float)(scales[is++] - 32);
        const uint8_t* qp = q + 16 * part;
        const uint8_t* hp = hmask + 16 * part;
        for (int l = 0; l < 16; ++l) {
          *y++ = dl * (float)(((qp[l] >> shift) & 3) - ((hp[l] & m) ? 0 : 4));
        }
      }
    }
  }
}

// Q4_K: 8 sub-blocks of 32 with 6-bit scale and min; each 32-byte run of qs
// holds two sub-blocks (low nibbles first).
void dequant_q4_k(const uint8_t* b, float* y) {
  const float d = half_at(b), dmin = half_at(b + 2);
  const uint8_t* scales = b + 4;
  const uint8_t* q = b + 16;
  for (int is = 0; is < 8; is += 2, q += 32) {
    uint8_t sc, mn;
    k4_scale_min(is, scales, &sc, &mn);
    const float d1 = d * (float)sc, m1 = dmin * (float)mn;
    k4_scale_min(is + 1, scales, &sc, &mn);
    const float d2 = d * (float)sc, m2 = dmin * (float)mn;
    for (int l = 0; l < 32; ++l) *y++ = d1 * (float)(q[l] & 0xF) - m1;
    for (int l = 0; l < 32; ++l) *y++ = d2 * (float)(q[l] >> 4) - m2;
  }
}

// Q5_K: Q4_K plus a 5th bit per element: bit (2k) / (2k+1) of qh[l] for the
// low / high nibble of the k-th 32-byte run.
void dequant_q5_k(const uint8_t* b, float* y) {
  const float d = half_at(b), dmin = half_at(b + 2);
  const uint8_t* scales = b + 4;
  const uint8_t* qh = b + 16;
  const uint8_t* q = b + 48;
  for (int is = 0; is < 8; is += 2, q += 32) {
    uint8_t sc, mn;
    k4_scale_min(is, scales, &sc, &mn);
    const float d1 = d * (float)sc, m1 = dmin * (float)mn;
    k4_scale_min(is + 1, scales, &sc, &mn);
    const float d2 = d * (float)sc, m2 = dmin * (float)mn;
    const uint8_t u1 = (uint8_t)(1u << is), u2 = (uint8_t)(2u << is);
    for (int l = 0; l < 32; ++l) *y++ = d1 * (float)((q[l] & 0xF) + ((qh[l] & u1) ? 16 : 0)) - m1;
    for (int l = 0; l < 32; ++l) *y++ = d2 * (float)((q[l] >> 4) + ((qh[l] & u2) ? 16 : 0)) - m2;
  }
}

// Q6_K: per 128-element half, 64 bytes of low nibbles (ql), 32 bytes of
// 2-bit highs (qh, four per byte) and 8 signed 8-bit scales, one per 16.
void dequant_q6_k(const uint8_t* b, float* y) {
  const uint8_t* ql = b;
  const uint8_t* qh = b + 128;
  const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192);
  const float d = half_at(b + 208);
  for (int half = 0; half < 2; ++half, y += 128, ql += 64, qh += 32, sc += 8) {
    for (int l = 0; l < 32; ++l) {
      const int is = l / 16;
      const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
      const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
      const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
      const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
      // (d * scale) * q, in that order, as ggml evaluates it.
      y[l] = d * (float)sc[is] * (float)q1;
      y[l + 32] = d * (float)sc[is + 2] * (float)q2;
      y[l + 64] = d * (float)sc[is + 4] * (float)q3;
      y[l + 96] = d * (float)sc[is + 6] * (float)q4;
    }
  }
}

void dequant_q8_k(const uint8_t* b, float* y) {
  float d;
  std::memcpy(&d, b, 4);  // a little-endian f32 (we only target little-endian hosts)
  for (int j = 0; j < kQK_K; ++j) y[j] = d * (float)(int8_t)b[4 + j];
}

}  // namespace

bool ggml_type_supported(uint32_t raw) { return find_layout(raw) != nullptr; }

std::string ggml_type_name(uint32_t raw) {
  if (const Layout* l = find_layout(raw)) return l->name;
  // ggml types that exist but that we do not decode, so errors can name them.
  static const struct { uint32_t id; const char* name; } kOther[] = {
      {9, "Q8_1"},     {16, "IQ2_XXS"}, {17, "IQ2_XS"}, {18, "IQ3_XXS"}, {19, "IQ1_S"},
      {20, "IQ4_NL"},  {21, "IQ3_S"},   {22, "IQ2_S"},  {23, "IQ4_XS"},  {24, "I8"},
      {25, "I16"},     {26, "I32"},     {27, "I64"},    {28, "F64"},     {29, "IQ1_M"},
      {34, "TQ1_0"},   {35, "TQ2_0"},   {39, "MXFP4"},
  };
  for (const auto& o : kOther) {
    if (o.id == raw) return o.name;
  }
  return "unknown";
}

int64_t ggml_block_size(GgmlType type) { return layout(type).block_size; }
size_t ggml_block_bytes(GgmlType type) { return layout(type).block_bytes; }

size_t ggml_row_bytes(GgmlType type, int64_t ne0) {
  const Layout& l = layout(type);
  if (ne0 < 0 || ne0 % l.block_size != 0) {
    fail(ErrorCode::kCorruptModel, std::string("a row of ") + std::to_string(ne0) + " " + l.name +
                                       " elements is not a whole number of " +
                                       std::to_string(l.block_size) + "-element blocks");
  }
  return (size_t)(ne0 / l.block_size) * l.block_bytes;
}

void dequantize_row(GgmlType type, const uint8_t* src, int64_t n, float* dst) {
  const Layout& l = layout(type);
  if (n < 0 || n % l.block_size != 0) {
    fail(ErrorCode::kInvalidArgument, "dequantize_row: " + std::to_string(n) + " " + l.name +
                                          " elements is not a whole number of blocks");
  }
  switch (type) {
    case GgmlType::kF32:
      std::memcpy(dst, src, (size_t)n * 4);
      return;
    case GgmlType::kF16:
      convert_to_f32(DType::kF16, src, (size_t)n, dst);
      return;
    case GgmlType::kBF16:
      convert_to_f32(DType::kBF16, src, (size_t)n, dst);
      return;
    default:
      break;
  }
  void (*block_fn)(const uint8_t*, float*) = nullptr;
  switch (type) {
    case GgmlType::kQ4_0: block_fn = dequant_q4_0; break;
    case GgmlType::kQ4_1: block_fn = dequant_q4_1; break;
    case GgmlType::kQ5_0: block_fn = dequant_q5_0; break;
    case GgmlType::kQ5_1: block_fn = dequant_q5_1; break;
    case GgmlType::kQ8_0: block_fn = dequant_q8_0; break;
    case GgmlType::kQ2_K: block_fn = dequant_q2_k; break;
    case GgmlType::kQ3_K: block_fn = dequant_q3_k; break;
    case GgmlType::kQ4_K: block_fn = dequant_q4_k; break;
    case GgmlType::kQ5_K: block_fn = dequant_q5_k; break;
    case GgmlType::kQ6_K: block_fn = dequant_q6_k; break;
    case GgmlType::kQ8_K: block_fn = dequant_q8_k; break;
    default: fail(ErrorCode::kInternal, "dequantize_row: no decoder for " + std::string(l.name));
  }
  const int64_t blocks = n / l.block_size;
  for (int64_t i = 0; i < blocks; ++i) {
    block_fn(src + (size_t)i * l.block_bytes, dst + i * l.block_size);
  }
}

}  // namespace pf
