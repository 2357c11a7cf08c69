#include "tensor/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "tensor/dtype.h"

#include "core/error.h"

namespace pf {

namespace {

// max|w| over a row; rejects NaN/Inf, which would poison every scale-based
// result silently.
float row_abs_max(const float* row, size_t cols, size_t r) {
  float m = 0.f;
  for (size_t c = 0; c < cols; ++c) {
    if (!std::isfinite(row[c])) {
      fail(ErrorCode::kCorruptModel,
           "weight row " + std::to_string(r) + " holds a NaN or infinite value");
    }
    m = std::max(m, std::fabs(row[c]));
  }
  return m;
}

int quantize_value(float w, float inv_scale, int lo, int hi) {
  const int q = (int)std::lrint(w * inv_scale);
  return std::min(hi, std::max(lo, q));
}

// Writes q in [-8, 7] as the nibble q + 8 of column `col` in a packed row:
// even columns in the low nibble, odd columns in the high nibble.
void store_int4(uint8_t* row, size_t col, int q) {
  const uint8_t nibble = (uint8_t)(q + 8);
  uint8_t& byte = row[col / 2];
  byte = (col % 2 == 0) ? (uint8_t)((byte & 0xF0) | nibble) : (uint8_t)((byte & 0x0F) | (nibble << 4));
}

// With only 16 levels, mapping max|w| to the end of the range wastes most
// levels on rare outliers. Try clipping ratios and keep the scale with the
// smallest squared error (the same idea as llama.cpp's RMSE-searched scales).
float best_int4_scale(const float* w, size_t cols, float amax) {
  if (amax <= 0.f) return 1.f;
  float best_scale = amax / 7.f;
  double best_error = -1.0;
  for (int step = 0; step <= 10; ++step) {
    const float scale = amax * (1.f - 0.04f * (float)step) / 7.f;
    const float inv = 1.f / scale;
    double error = 0.0;
    for (size_t c = 0; c < cols; ++c) {
      const double d = (double)w[c] - (double)quantize_value(w[c], inv, -8, 7) * scale;
      error += d * d;
    }
    if (best_error < 0.0 || error < best_error) {
      best_error = error;
      best_scale = scale;
    }
  }
  return best_scale;
}

}  // namespace

QuantizedWeights quantize_int8_per_channel(const float* weight, size_t rows, size_t cols) {
  QuantizedWeights q;
  q.rows = rows;
  q.cols = cols;
  q.scales.resize(rows);
  q.data.resize(rows * cols);
  for (size_t r = 0; r < rows; ++r) {
    const float* w = weight + r * cols;
    const float amax = row_abs_max(w, cols, r);
    // An all-zero row still needs a positive scale for the kernel.
    const float scale = amax > 0.f ? amax / 127.f : 1.f;
    q.scales[r] = scale;
    const float inv = 1.f / scale;
    for (size_t c = 0; c < cols; ++c) {
      q.data[r * cols + c] = (uint8_t)(int8_t)quantize_value(w[c], inv, -127, 127);
    }
  }
  return q;
}

QuantizedWeights quantize_int4_per_channel(const float* weight, size_t rows, size_t cols) {
  QuantizedWeights q;
  q.rows = rows;
  q.cols = cols;
  q.scales.resize(rows);
  const size_t row_bytes = (cols + 1) / 2;
  q.data.assign(rows * row_bytes, 0x88);  // padding nibble = zero point = 0
  for (size_t r = 0; r < rows; ++r) {
    const float* w = weight + r * cols;
    const float scale = best_int4_scale(w, cols, row_abs_max(w, cols, r));
    q.scales[r] = scale;
    const float inv = 1.f / scale;
    uint8_t* out = &q.data[r * row_bytes];
    for (size_t c = 0; c < cols; ++c) {
      store_int4(out, c, quantize_value(w[c], inv, -8, 7));
    }
  }
  return q;
}

uint16_t f32_to_bf16_bits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  return (uint16_t)(bits >> 16);
}

QuantizedWeights quantize_int4_blockwise(const float* weight, size_t rows, size_t cols,
                                         size_t block) {
  if (block == 0 || cols % block != 0 || block % 2 != 0) {
    fail(ErrorCode::kInvalidArgument, "4-bit block size " + std::to_string(block) +
                                          " does not divide " + std::to_string(cols) + " columns");
  }
  QuantizedWeights q;
  q.rows = rows;
  q.cols = cols;
  q.block = block;
  const size_t blocks = cols / block, row_bytes = cols / 2;
  q.scales.resize(rows * blocks);
  q.data.assign(rows * row_bytes, 0x88);
  for (size_t r = 0; r < rows; ++r) {
    const float* w = weight + r * cols;
    row_abs_max(w, cols, r);  // rejects NaN/Inf before any block is scaled
    uint8_t* out = &q.data[r * row_bytes];
    for (size_t b = 0; b < blocks; ++b) {
      const float* wb = w + b * block;
      float amax = 0.f;
      for (size_t c = 0; c < block; ++c) amax = std::max(amax, std::fabs(wb[c]));
      // The kernel needs a positive normal scale even for an all-zero block.
      float scale = amax > 0.f ? best_int4_scale(wb, block, amax) : 1.f;
      uint16_t bits = f32_to_bf16_bits(scale);
      scale = bf16_to_f32(bits);
      if (!(scale > 0.f) || !std::isnormal(scale)) scale = 1.f;
      q.scales[r * blocks + b] = scale;
      const float inv = 1.f / scale;
      for (size_t c = 0; c < block; ++c) {
        store_int4(out, b * block + c, quantize_value(wb[c], inv, -8, 7));
      }
    }
  }
  return q;
}

std::vector<float> dequantize_int8(const QuantizedWeights& q) {
  std::vector<float> w(q.rows * q.cols);
  for (size_t r = 0; r < q.rows; ++r) {
    for (size_t c = 0; c < q.cols; ++c) {
      w[r * q.cols + c] = (float)(int8_t)q.data[r * q.cols + c] * q.scales[r];
    }
  }
  return w;
}

std::vector<float> dequantize_int4(const QuantizedWeights& q) {
  const size_t row_bytes = (q.cols + 1) / 2;
  std::vector<float> w(q.rows * q.cols);
  for (size_t r = 0; r < q.rows; ++r) {
    for (size_t c = 0; c < q.cols; ++c) {
      const uint8_t byte = q.data[r * row_bytes + c / 2];
      const int nibble = (c % 2 == 0) ? (byte & 0x0F) : (byte >> 4);
      const float scale = q.block ? q.scales[r * (q.cols / q.block) + c / q.block] : q.scales[r];
      w[r * q.cols + c] = (float)(nibble - 8) * scale;
    }
  }
  return w;
}

}  // namespace pf
