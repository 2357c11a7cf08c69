// GPT-2's GELU ("gelu_new"): the tanh approximation
//   gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
#pragma once

#include <cstddef>

namespace pf {

// out[i] = gelu(x[i]); out must not alias x. Vectorized through XNNPACK's
// sigmoid (0.5 (1 + tanh t) == sigmoid(2 t)), threaded over the shared pool.
void gelu_tanh(const float* x, size_t count, float* out);

// Scalar double-precision std::tanh form, the reference for tests.
void gelu_tanh_reference(const float* x, size_t count, float* out);

}  // namespace pf
