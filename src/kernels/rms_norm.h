// RMSNorm (Llama family): y = x / sqrt(mean(x^2) + eps) * weight, per row of
// row-major [rows, dim] data.
#pragma once

#include <cstddef>

namespace pf {

// out may alias x.
void rms_norm(const float* x, size_t rows, size_t dim, const float* weight, float eps,
              float* out);

// Double-accumulated scalar form, the reference for tests.
void rms_norm_reference(const float* x, size_t rows, size_t dim, const float* weight, float eps,
                        float* out);

}  // namespace pf
