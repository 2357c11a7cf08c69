#include "kernels/rope.h"

#include <algorithm>
#include <cmath>

namespace pf {

const char* rope_layout_name(RopeLayout layout) {
  return layout == RopeLayout::kInterleaved ? "interleaved" : "half-split";
}

const char* rope_scaling_name(RopeScaling::Type type) {
  switch (type) {
    case RopeScaling::Type::kNone: return "default";
    case RopeScaling::Type::kLinear: return "linear";
    case RopeScaling::Type::kDynamic: return "dynamic";
    case RopeScaling::Type::kLlama3: return "llama3";
    case RopeScaling::Type::kYarn: return "yarn";
  }
  return "?";
}

namespace {

// theta^(-2i/d) in f32, HF's _compute_default_rope_parameters.
std::vector<float> default_inv_freq(size_t head_dim, float theta) {
  std::vector<float> inv(head_dim / 2);
  for (size_t i = 0; i < inv.size(); ++i) {
    inv[i] = 1.0f / std::pow(theta, (float)(2 * i) / (float)head_dim);
  }
  return inv;
}

// Llama 3.1: frequencies whose wavelength exceeds the original context /
// low_freq_factor are divided by factor, those below original /
// high_freq_factor kept, the band between blended linearly in
// original / wavelength.
void llama3_scale(std::vector<float>& inv, const RopeScaling& s) {
  const double old_len = (double)s.original_max_positions;
  const double low_wavelen = old_len / s.low_freq_factor;
  const double high_wavelen = old_len / s.high_freq_factor;
  const float factor = (float)s.factor;
  for (float& f : inv) {
    const float wavelen = (float)(2 * M_PI) / f;
    if (wavelen > low_wavelen) {
      f = f / factor;
    } else if (!(wavelen < high_wavelen)) {
      const float smooth = ((float)old_len / wavelen - (float)s.low_freq_factor) /
                           (float)(s.high_freq_factor - s.low_freq_factor);
      f = (1.f - smooth) * f / factor + smooth * f;
    }
  }
}

// YaRN: interpolated (divided by factor) frequencies for the dimensions that
// rotate fewer than beta_slow times over the original context, the original
// ones for those rotating more than beta_fast times, a linear ramp between.
void yarn_scale(std::vector<float>& inv, size_t head_dim, float theta, const RopeScaling& s) {
  const double dim = (double)head_dim, base = theta;
  const double orig = (double)s.original_max_positions;
  auto correction_dim = [&](double rotations) {
    return dim * std::log(orig / (rotations * 2 * M_PI)) / (2 * std::log(base));
  };
  double low = correction_dim(s.beta_fast), high = correction_dim(s.beta_slow);
  if (s.truncate) low = std::floor(low), high = std::ceil(high);
  low = std::max(low, 0.0);
  high = std::min(high, dim - 1);
  if (low == high) high += 0.001;  // as HF: avoids a zero-width ramp
  for (size_t i = 0; i < inv.size(); ++i) {
    const float pos_freq = std::pow(theta, (float)(2 * i) / (float)head_dim);
    const float extrapolation = 1.f / pos_freq;
    const float interpolation = 1.f / ((float)s.factor * pos_freq);
    const float ramp = std::clamp((float)(((float)i - low) / (high - low)), 0.f, 1.f);
    const float keep = 1.f - ramp;  // share of the unscaled frequency
    inv[i] = interpolation * (1.f - keep) + extrapolation * keep;
  }
}

}  // namespace

std::vector<float> rope_inv_freq(size_t head_dim, float theta, const RopeScaling& s,
                                 int64_t seq_len) {
  std::vector<float> inv = default_inv_freq(head_dim, theta);
  switch (s.type) {
    case RopeScaling::Type::kNone: break;
    case RopeScaling::Type::kLinear:
      for (float& f : inv) f /= (float)s.factor;
      break;
    case RopeScaling::Type::kDynamic: {
      // NTK-aware: a larger base once the sequence outgrows the trained
      // length (HF clamps seq_len up to max_position_embeddings).
      const double len = (double)std::max(seq_len, s.original_max_positions);
      const double d = (double)head_dim;
      const double base = (double)theta * std::pow(s.factor * len / (double)s.original_max_positions -
                                                       (s.factor - 1.0),
                                                   d / (d - 2.0));
      inv = default_inv_freq(head_dim, (float)base);
      break;
    }
    case RopeScaling::Type::kLlama3: llama3_scale(inv, s); break;
    case RopeScaling::Type::kYarn: yarn_scale(inv, head_dim, theta, s); break;
  }
  for (size_t i = 0; i < inv.size() && i < s.freq_factors.size(); ++i) inv[i] /= s.freq_factors[i];
  return inv;
}

RopeTable::RopeTable(std::vector<float> inv_freq, size_t first_position, size_t positions,
                     float attention_factor)
    : head_dim_(inv_freq.size() * 2), first_(first_position), positions_(positions) {
  const size_t half = inv_freq.size();
  cos_.resize(positions * half);
  sin_.resize(positions * half);
  for (size_t i = 0; i < half; ++i) {
    for (size_t p = 0; p < positions; ++p) {
      const float angle = (float)(first_position + p) * inv_freq[i];
      cos_[p * half + i] = std::cos(angle) * attention_factor;
      sin_[p * half + i] = std::sin(angle) * attention_factor;
    }
  }
}

RopeTable::RopeTable(size_t head_dim, size_t max_positions, float theta)
    : RopeTable(default_inv_freq(head_dim, theta), 0, max_positions) {}

void RopeTable::apply(float* x, size_t rows, size_t row_stride, size_t heads, size_t start_pos,
                      RopeLayout layout) const {
  const size_t half = head_dim_ / 2;
  for (size_t r = 0; r < rows; ++r) {
    const float* c = cos_.data() + (start_pos - first_ + r) * half;
    const float* s = sin_.data() + (start_pos - first_ + r) * half;
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
