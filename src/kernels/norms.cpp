#include "kernels/norms.h"

#include <cmath>

#include <string>

#include <xnnpack.h>

#include "core/error.h"
#include "kernels/runtime.h"

namespace pf {

namespace {

struct LayerNormTask {
  const float* x;
  const float* residual;
  size_t dim;
  const float* gamma;
  const float* beta;
  float eps;
  float* out;
};

void layer_norm_row(void* context, size_t row) {
  const auto& t = *static_cast<const LayerNormTask*>(context);
  const float* x = t.x + row * t.dim;
  const float* r = t.residual ? t.residual + row * t.dim : nullptr;
  float* y = t.out + row * t.dim;
  // Two passes (mean, then centered variance) keep precision when the mean
  // is large relative to the spread, as after residual adds.
  float sum = 0.f;
  for (size_t i = 0; i < t.dim; ++i) {
    const float v = r ? x[i] + r[i] : x[i];
    y[i] = v;
    sum += v;
  }
  const float mean = sum / (float)t.dim;
  float var = 0.f;
  for (size_t i = 0; i < t.dim; ++i) {
    const float d = y[i] - mean;
    var += d * d;
  }
  const float inv_std = 1.f / std::sqrt(var / (float)t.dim + t.eps);
  for (size_t i = 0; i < t.dim; ++i) {
    y[i] = (y[i] - mean) * inv_std * t.gamma[i] + t.beta[i];
  }
}

}  // namespace

void layer_norm(const float* x, const float* residual, size_t rows, size_t dim,
                const float* gamma, const float* beta, float eps, float* out) {
  LayerNormTask task{x, residual, dim, gamma, beta, eps, out};
  parallel_for(rows, layer_norm_row, &task, /*work=*/rows * dim * 4);
}

void gelu_erf(float* x, size_t count) {
  if (count == 0) return;
  ensure_xnnpack();
  const xnn_status status = xnn_run_unary_elementwise_nc(
      xnn_unary_gelu, xnn_datatype_fp32, xnn_datatype_fp32, nullptr, nullptr, nullptr, 0,
      /*batch_size=*/count, /*channels=*/1, 1, 1, thread_pool_for(count * 16), x, x);
  if (status != xnn_status_success) {
    fail(ErrorCode::kInternal, "XNNPACK gelu failed with status " + std::to_string((int)status));
  }
}

void gelu_erf_reference(float* x, size_t count) {
  const float inv_sqrt2 = 0.70710678118654752f;
  for (size_t i = 0; i < count; ++i) x[i] = 0.5f * x[i] * (1.f + std::erf(x[i] * inv_sqrt2));
}

}  // namespace pf
