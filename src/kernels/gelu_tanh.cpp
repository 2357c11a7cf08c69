#include "kernels/gelu_tanh.h"

#include <cmath>
#include <string>

#include <xnnpack.h>

#include "core/error.h"
#include "kernels/runtime.h"

namespace pf {

namespace {

constexpr double kSqrt2OverPi = 0.79788456080286535588;
constexpr double kCubic = 0.044715;

}  // namespace

void gelu_tanh(const float* x, size_t count, float* out) {
  if (count == 0) return;
  ensure_xnnpack();
  // 2 * sqrt(2/pi) * (x + 0.044715 x^3), factored as x * (a + b x^2).
  const float a = (float)(2 * kSqrt2OverPi), b = (float)(2 * kSqrt2OverPi * kCubic);
  for (size_t i = 0; i < count; ++i) out[i] = x[i] * (a + b * x[i] * x[i]);
  const xnn_status status = xnn_run_unary_elementwise_nc(
      xnn_unary_sigmoid, xnn_datatype_fp32, xnn_datatype_fp32, nullptr, nullptr, nullptr, 0,
      /*batch_size=*/count, /*channels=*/1, 1, 1, thread_pool_for(count * 16), out, out);
  if (status != xnn_status_success) {
    fail(ErrorCode::kInternal, "XNNPACK sigmoid failed with status " + std::to_string((int)status));
  }
  for (size_t i = 0; i < count; ++i) out[i] *= x[i];
}

void gelu_tanh_reference(const float* x, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i) {
    const double v = x[i];
    out[i] = (float)(0.5 * v * (1.0 + std::tanh(kSqrt2OverPi * (v + kCubic * v * v * v))));
  }
}

}  // namespace pf
