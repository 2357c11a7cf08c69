// Fully-connected layer y = x W^T + b on XNNPACK. The operator packs W and b
// at construction, so the caller's weight buffers can be released afterwards.
#pragma once

#include <cstddef>

typedef struct xnn_operator* xnn_operator_t;

namespace pf {

class LinearF32 {
 public:
  // weight: [out_features, in_features] row-major (PyTorch nn.Linear layout);
  // bias may be nullptr.
  LinearF32(size_t in_features, size_t out_features, const float* weight, const float* bias);
  ~LinearF32();
  LinearF32(const LinearF32&) = delete;
  LinearF32& operator=(const LinearF32&) = delete;
  LinearF32(LinearF32&& other) noexcept;
  LinearF32& operator=(LinearF32&& other) noexcept;

  // x: [rows, in_features], y: [rows, out_features].
  void run(const float* x, size_t rows, float* y) const;

  size_t in_features() const { return in_; }
  size_t out_features() const { return out_; }

 private:
  size_t in_ = 0;
  size_t out_ = 0;
  xnn_operator_t op_ = nullptr;
};

// Plain reference used by tests: y = x W^T + b with double accumulation.
void linear_reference(const float* x, size_t rows, size_t in, size_t out, const float* weight,
                      const float* bias, float* y);

}  // namespace pf
