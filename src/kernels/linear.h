// Fully-connected layer y = x W^T + b on XNNPACK operators.
//  - kF32: f32 weights and compute.
//  - kInt8 / kInt4: weights quantized per output channel at construction;
//    activations quantized per row on the fly (dynamic int8), accumulation
//    in int32, output in f32 (XNNPACK qd8_f32_qc8w / qd8_f32_qc4w).
// The operator packs W and b at construction, so the caller's buffers can be
// released afterwards.
#pragma once

#include <cstddef>
#include <cstdint>

typedef struct xnn_operator* xnn_operator_t;

namespace pf {

enum class WeightFormat { kF32, kInt8, kInt4 };

const char* weight_format_name(WeightFormat format);

// kInt4 layers constructed while this is on use XNNPACK's blockwise kernel
// (one bf16 scale per 32 inputs, qb4w) where in_features is a multiple of
// 32, and per-channel scales (qc4w) otherwise or while it is off (the
// default: see linear.cpp for why). The kernel test checks both; the kernel
// benchmark switches it to compare their speed.
void set_int4_blockwise(bool on);
bool int4_blockwise();

class Linear {
 public:
  // weight: [out_features, in_features] row-major (PyTorch nn.Linear layout);
  // bias may be nullptr.
  Linear(size_t in_features, size_t out_features, const float* weight, const float* bias,
         WeightFormat format = WeightFormat::kF32);
  ~Linear();
  Linear(const Linear&) = delete;
  Linear& operator=(const Linear&) = delete;
  Linear(Linear&& other) noexcept;
  Linear& operator=(Linear&& other) noexcept;

  // x: [rows, in_features], y: [rows, out_features]. Not reentrant: one
  // caller at a time per layer (operators hold per-call state).
  void run(const float* x, size_t rows, float* y) const;

  size_t in_features() const { return in_; }
  size_t out_features() const { return out_; }
  WeightFormat format() const { return format_; }
  size_t block_size() const { return block_; }
  // Bytes the weights occupy in their stored format (before kernel packing).
  size_t weight_bytes() const;

 private:
  void release();

  size_t in_ = 0;
  size_t out_ = 0;
  WeightFormat format_ = WeightFormat::kF32;
  size_t block_ = 0;  // 4-bit scale block (0: per output channel)
  xnn_operator_t fc_ = nullptr;
  xnn_operator_t quantize_input_ = nullptr;  // f32 -> qd8, quantized formats only
};

// Plain reference used by tests: y = x W^T + b with double accumulation.
void linear_reference(const float* x, size_t rows, size_t in, size_t out, const float* weight,
                      const float* bias, float* y);

}  // namespace pf
