#include "kernels/activations.h"

#include <cmath>

namespace pf {

float silu(float x) { return x * (1.0f / (1.0f + std::exp(-x))); }

void swiglu(const float* gate_up, size_t rows, size_t hidden, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    const float* gate = gate_up + r * 2 * hidden;
    const float* up = gate + hidden;
    float* y = out + r * hidden;
    for (size_t i = 0; i < hidden; ++i) y[i] = silu(gate[i]) * up[i];
  }
}

void swiglu_reference(const float* gate_up, size_t rows, size_t hidden, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t i = 0; i < hidden; ++i) {
      const double g = gate_up[r * 2 * hidden + i], u = gate_up[r * 2 * hidden + hidden + i];
      out[r * hidden + i] = (float)(g / (1.0 + std::exp(-g)) * u);
    }
  }
}

}  // namespace pf
