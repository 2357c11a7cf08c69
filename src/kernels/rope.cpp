#include "kernels/rope.h"

#include <cmath>

namespace pf {

const char* rope_layout_name(RopeLayout layout) {
  return layout == RopeLayout::kInterleaved ? "interleaved" : "half-split";
}

RopeTable::RopeTable(size_t head_dim, size_t max_positions, float theta)
    : head_dim_(head_dim), max_positions_(max_positions) {
  const size_t half = head_dim / 2;
  cos_.resize(max_positions * half);
  sin_.resize(max_positions * half);
  for (size_t i = 0; i < half; ++i) {
    const float freq = 1.0f / std::pow(theta, (float)(2 * i) / (float)head_dim);
    for (size_t pos = 0; pos < max_positions; ++pos) {
      const float angle = (float)pos * freq;
      cos_[pos * half + i] = std::cos(angle);
      sin_[pos * half + i] = std::sin(angle);
    }
  }
}

void RopeTable::apply(float* x, size_t rows, size_t row_stride, size_t heads, size_t start_pos,
                      RopeLayout layout) const {
  const size_t half = head_dim_ / 2;
  for (size_t r = 0; r < rows; ++r) {
    const float* c = cos_.data() + (start_pos + r) * half;
    const float* s = sin_.data() + (start_pos + r) * half;
    for (size_t h = 0; h < heads; ++h) {
      float* v = x + r * row_stride + h * head_dim_;
      if (layout == RopeLayout::kInterleaved) {
        for (size_t i = 0; i < half; ++i) {
          const float a = v[2 * i], b = v[2 * i + 1];
          v[2 * i] = a * c[i] - b * s[i];
          v[2 * i + 1] = a * s[i] + b * c[i];
        }
      } else {
        for (size_t i = 0; i < half; ++i) {
          const float a = v[i], b = v[i + half];
          v[i] = a * c[i] - b * s[i];
          v[i + half] = b * c[i] + a * s[i];
        }
      }
    }
  }
}

void rope_reference(float* x, size_t rows, size_t row_stride, size_t heads, size_t head_dim,
                    size_t start_pos, double theta, RopeLayout layout) {
  const size_t half = head_dim / 2;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t h = 0; h < heads; ++h) {
      float* v = x + r * row_stride + h * head_dim;
      for (size_t i = 0; i < half; ++i) {
        const double angle =
            (double)(start_pos + r) * std::pow(theta, -(double)(2 * i) / (double)head_dim);
        const size_t ia = layout == RopeLayout::kInterleaved ? 2 * i : i;
        const size_t ib = layout == RopeLayout::kInterleaved ? 2 * i + 1 : i + half;
        const double a = v[ia], b = v[ib];
        v[ia] = (float)(a * std::cos(angle) - b * std::sin(angle));
        v[ib] = (float)(a * std::sin(angle) + b * std::cos(angle));
      }
    }
  }
}

}  // namespace pf
