#include "models/encoder_activation.h"

#include <algorithm>

#include "kernels/gelu_tanh.h"
#include "kernels/norms.h"

namespace pf {

void apply_activation(EncoderActivation activation, float* x, size_t count,
                      std::vector<float>* scratch) {
  if (activation == EncoderActivation::kGeluErf) {
    gelu_erf(x, count);
    return;
  }
  if (scratch->size() < count) scratch->resize(count);
  std::copy(x, x + count, scratch->data());
  gelu_tanh(scratch->data(), count, x);
}

}  // namespace pf
