#include "kernels/linear.h"

#include <limits>
#include <string>
#include <utility>

#include <xnnpack.h>

#include "core/error.h"
#include "kernels/runtime.h"

namespace pf {

namespace {

void check(xnn_status status, const char* what) {
  if (status == xnn_status_success) return;
  if (status == xnn_status_out_of_memory) {
    fail(ErrorCode::kOutOfMemory, std::string("out of memory in XNNPACK ") + what);
  }
  fail(ErrorCode::kInternal,
       std::string("XNNPACK ") + what + " failed with status " + std::to_string((int)status));
}

}  // namespace

LinearF32::LinearF32(size_t in_features, size_t out_features, const float* weight,
                     const float* bias)
    : in_(in_features), out_(out_features) {
  ensure_xnnpack();
  check(xnn_create_fully_connected_nc_f32(
            in_features, out_features, /*input_stride=*/in_features,
            /*output_stride=*/out_features, weight, bias,
            -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity(),
            /*flags=*/0, /*code_cache=*/nullptr, /*weights_cache=*/nullptr, &op_),
        "create fully_connected_nc_f32");
}

LinearF32::~LinearF32() {
  if (op_ != nullptr) xnn_delete_operator(op_);
}

LinearF32::LinearF32(LinearF32&& other) noexcept
    : in_(other.in_), out_(other.out_), op_(std::exchange(other.op_, nullptr)) {}

LinearF32& LinearF32::operator=(LinearF32&& other) noexcept {
  if (this != &other) {
    if (op_ != nullptr) xnn_delete_operator(op_);
    in_ = other.in_;
    out_ = other.out_;
    op_ = std::exchange(other.op_, nullptr);
  }
  return *this;
}

void LinearF32::run(const float* x, size_t rows, float* y) const {
  if (rows == 0) return;
  check(xnn_reshape_fully_connected_nc_f32(op_, rows, thread_pool()), "reshape fully_connected");
  check(xnn_setup_fully_connected_nc_f32(op_, x, y), "setup fully_connected");
  check(xnn_run_operator(op_, thread_pool()), "run fully_connected");
}

void linear_reference(const float* x, size_t rows, size_t in, size_t out, const float* weight,
                      const float* bias, float* y) {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t o = 0; o < out; ++o) {
      double acc = bias ? bias[o] : 0.0;
      for (size_t k = 0; k < in; ++k) acc += (double)x[r * in + k] * weight[o * in + k];
      y[r * out + o] = (float)acc;
    }
  }
}

}  // namespace pf
