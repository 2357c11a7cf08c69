// Normalization and element-wise kernels over row-major [rows, dim] data.
#pragma once

#include <cstddef>

namespace pf {

// out = LayerNorm(x (+ residual)) per row; residual may be nullptr; out may
// alias x.
void layer_norm(const float* x, const float* residual, size_t rows, size_t dim,
                const float* gamma, const float* beta, float eps, float* out);

// In place: x = 0.5 x (1 + erf(x / sqrt 2)) (the exact GELU BERT uses), on
// XNNPACK's vectorized GELU, threaded over the shared pool.
void gelu_erf(float* x, size_t count);

// Scalar std::erf form, the reference for tests.
void gelu_erf_reference(float* x, size_t count);

}  // namespace pf
