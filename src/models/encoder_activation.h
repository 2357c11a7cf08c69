// The encoders' GELU, in the form config.json's hidden_act names (exact erf
// for BERT-style "gelu", the tanh approximation for ALBERT's "gelu_new").
#pragma once

#include <cstddef>
#include <vector>

#include "formats/model_config.h"

namespace pf {

// In place over x[0..count). `scratch` holds the tanh form's input copy
// (its kernel cannot work in place) and is grown as needed, so a caller
// looping over layers allocates once.
void apply_activation(EncoderActivation activation, float* x, size_t count,
                      std::vector<float>* scratch);

}  // namespace pf
