#include "kernels/rms_norm.h"

#include <cmath>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace pf {

namespace {

float sum_of_squares(const float* x, size_t n) {
  size_t i = 0;
#ifdef __wasm_simd128__
  v128_t acc = wasm_f32x4_splat(0.f);
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(v, v));
  }
  float s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
            wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
#else
  // Four independent partial sums: the compiler can keep them in one vector
  // register, and the rounding differs from a serial sum only by O(n eps).
  float a0 = 0.f, a1 = 0.f, a2 = 0.f, a3 = 0.f;
  for (; i + 4 <= n; i += 4) {
    a0 += x[i] * x[i];
    a1 += x[i + 1] * x[i + 1];
    a2 += x[i + 2] * x[i + 2];
    a3 += x[i + 3] * x[i + 3];
  }
  float s = (a0 + a1) + (a2 + a3);
#endif
  for (; i < n; ++i) s += x[i] * x[i];
  return s;
}

}  // namespace

void rms_norm(const float* x, size_t rows, size_t dim, const float* weight, float eps,
              float* out) {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * dim;
    float* yr = out + r * dim;
    const float scale = 1.f / std::sqrt(sum_of_squares(xr, dim) / (float)dim + eps);
    for (size_t i = 0; i < dim; ++i) yr[i] = weight[i] * (scale * xr[i]);
  }
}

void rms_norm_reference(const float* x, size_t rows, size_t dim, const float* weight, float eps,
                        float* out) {
  for (size_t r = 0; r < rows; ++r) {
    double ss = 0.0;
    for (size_t i = 0; i < dim; ++i) ss += (double)x[r * dim + i] * x[r * dim + i];
    const double scale = 1.0 / std::sqrt(ss / (double)dim + (double)eps);
    for (size_t i = 0; i < dim; ++i) {
      out[r * dim + i] = (float)((double)weight[i] * scale * x[r * dim + i]);
    }
  }
}

}  // namespace pf
