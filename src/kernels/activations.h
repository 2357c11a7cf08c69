// Gated activations of Llama-family feed-forward blocks.
#pragma once

#include <cstddef>

namespace pf {

// silu(x) = x * sigmoid(x).
float silu(float x);

// gate_up: [rows, 2 * hidden], each row holding gate | up (the output of the
// fused gate/up projection). out: [rows, hidden] = silu(gate) * up.
void swiglu(const float* gate_up, size_t rows, size_t hidden, float* out);

// Double-precision form, the reference for tests.
void swiglu_reference(const float* gate_up, size_t rows, size_t hidden, float* out);

}  // namespace pf
