#include "kernels/linear.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <xnnpack.h>

#include "core/error.h"
#include "kernels/runtime.h"
#include "tensor/quantize.h"

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

constexpr float kNoMin = -std::numeric_limits<float>::infinity();
constexpr float kNoMax = std::numeric_limits<float>::infinity();
// One 4-bit scale per 32 inputs: XNNPACK's smallest block, and the block
// GGUF's Q4_0 uses.
constexpr size_t kInt4Block = 32;
// Off by default: in wasm, this XNNPACK's qb4w kernels run ~5x slower than
// qc4w (npm run bench:kernels: GEMM 128x768x3072 12 vs 58 GOP/s, GEMV
// 1x768x3072 8.6 vs 38 GB/s, node, 1 thread), while on our seeded random
// models block-32 scales cut the weight error only ~7% (uniform weights have
// no outliers for blocks to isolate) and the native 4-bit checks came out
// better on 7 and worse on 3 of 10.
bool g_use_blockwise_int4 = false;
// Past the rows, XNNPACK promises to read at most XNN_EXTRA_QUANTIZATION_PARAMS
// (10) entries, yet x86's 14-row qb4w tile given 2 rows reads 12 past them.
constexpr size_t kQuantizationParamsPadding = 16;
static_assert(kQuantizationParamsPadding >= XNN_EXTRA_QUANTIZATION_PARAMS, "XNNPACK's minimum");

}  // namespace

void set_int4_blockwise(bool on) { g_use_blockwise_int4 = on; }
bool int4_blockwise() { return g_use_blockwise_int4; }

const char* weight_format_name(WeightFormat format) {
  switch (format) {
    case WeightFormat::kF32: return "f32";
    case WeightFormat::kInt8: return "int8";
    case WeightFormat::kInt4: return "int4";
  }
  return "?";
}

Linear::Linear(size_t in_features, size_t out_features, const float* weight, const float* bias,
               WeightFormat format)
    : in_(in_features), out_(out_features), format_(format) {
  ensure_xnnpack();
  switch (format) {
    case WeightFormat::kF32:
      check(xnn_create_fully_connected_nc_f32(in_, out_, in_, out_, weight, bias, kNoMin, kNoMax,
                                              0, nullptr, nullptr, &fc_),
            "create fully_connected_nc_f32");
      return;
    case WeightFormat::kInt8: {
      const QuantizedWeights q = quantize_int8_per_channel(weight, out_, in_);
      check(xnn_create_fully_connected_nc_qd8_f32_qc8w(
                in_, out_, in_, out_, q.scales.data(),
                reinterpret_cast<const int8_t*>(q.data.data()), bias, kNoMin, kNoMax, 0, nullptr,
                nullptr, &fc_),
            "create fully_connected_nc_qd8_f32_qc8w");
      break;
    }
    case WeightFormat::kInt4: {
      if (g_use_blockwise_int4 && in_ % kInt4Block == 0) {
        block_ = kInt4Block;
        const QuantizedWeights q = quantize_int4_blockwise(weight, out_, in_, block_);
        std::vector<uint16_t> scales(q.scales.size());
        for (size_t i = 0; i < scales.size(); ++i) scales[i] = f32_to_bf16_bits(q.scales[i]);
        check(xnn_create_fully_connected_nc_qd8_f32_qb4w(
                  in_, out_, in_, out_, block_, /*kernel_zero_point=*/8, scales.data(),
                  q.data.data(), bias, kNoMin, kNoMax, 0, nullptr, nullptr, &fc_),
              "create fully_connected_nc_qd8_f32_qb4w");
        break;
      }
      const QuantizedWeights q = quantize_int4_per_channel(weight, out_, in_);
      check(xnn_create_fully_connected_nc_qd8_f32_qc4w(in_, out_, in_, out_,
                                                       /*kernel_zero_point=*/8, q.scales.data(),
                                                       q.data.data(), bias, kNoMin, kNoMax, 0,
                                                       nullptr, nullptr, &fc_),
            "create fully_connected_nc_qd8_f32_qc4w");
      break;
    }
  }
  try {
    check(xnn_create_convert_nc_f32_qd8(0, &quantize_input_), "create convert_nc_f32_qd8");
  } catch (...) {
    release();
    throw;
  }
}

void Linear::release() {
  if (fc_ != nullptr) xnn_delete_operator(fc_);
  if (quantize_input_ != nullptr) xnn_delete_operator(quantize_input_);
  fc_ = nullptr;
  quantize_input_ = nullptr;
}

Linear::~Linear() { release(); }

Linear::Linear(Linear&& other) noexcept
    : in_(other.in_),
      out_(other.out_),
      format_(other.format_),
      block_(other.block_),
      fc_(std::exchange(other.fc_, nullptr)),
      quantize_input_(std::exchange(other.quantize_input_, nullptr)) {}

Linear& Linear::operator=(Linear&& other) noexcept {
  if (this != &other) {
    release();
    in_ = other.in_;
    out_ = other.out_;
    format_ = other.format_;
    block_ = other.block_;
    fc_ = std::exchange(other.fc_, nullptr);
    quantize_input_ = std::exchange(other.quantize_input_, nullptr);
  }
  return *this;
}

size_t Linear::weight_bytes() const {
  switch (format_) {
    case WeightFormat::kF32: return in_ * out_ * 4;
    case WeightFormat::kInt8: return in_ * out_ + out_ * 4;
    case WeightFormat::kInt4:
      return out_ * ((in_ + 1) / 2) + (block_ ? out_ * (in_ / block_) * 2 : out_ * 4);
  }
  return 0;
}

void Linear::run(const float* x, size_t rows, float* y) const {
  if (rows == 0) return;
  pthreadpool_t pool = thread_pool_for(rows * in_ * out_);
  if (format_ == WeightFormat::kF32) {
    check(xnn_reshape_fully_connected_nc_f32(fc_, rows, pool), "reshape fully_connected");
    check(xnn_setup_fully_connected_nc_f32(fc_, x, y), "setup fully_connected");
    check(xnn_run_operator(fc_, pool), "run fully_connected");
    return;
  }
  // Dynamic quantization: each input row gets its own int8 scale and zero
  // point. XNNPACK reads a little past the ends of both buffers.
  std::vector<int8_t> qx(rows * in_ + XNN_EXTRA_BYTES);
  std::vector<xnn_quantization_params> qparams(rows + kQuantizationParamsPadding);
  check(xnn_reshape_convert_nc_f32_qd8(quantize_input_, rows, in_, in_, in_, pool),
        "reshape convert_nc_f32_qd8");
  check(xnn_setup_convert_nc_f32_qd8(quantize_input_, x, qx.data(), qparams.data()),
        "setup convert_nc_f32_qd8");
  check(xnn_run_operator(quantize_input_, pool), "run convert_nc_f32_qd8");
  // A GEMM micro-kernel given fewer rows than its tile points the missing
  // rows' input and output at the last real row, but reads their
  // quantization params from the entries after it and stores those rows
  // last: with padding left at zero, x86's 14-row qb4w kernel overwrote the
  // last row with just the bias. The last row's params there make the
  // aliased rows compute (and store) exactly what that row does.
  std::fill(qparams.begin() + rows, qparams.end(), qparams[rows - 1]);
  if (format_ == WeightFormat::kInt8) {
    check(xnn_reshape_fully_connected_nc_qd8_f32_qc8w(fc_, rows, pool), "reshape fc qc8w");
    check(xnn_setup_fully_connected_nc_qd8_f32_qc8w(fc_, qx.data(), y, qparams.data()),
          "setup fc qc8w");
  } else if (block_ != 0) {
    check(xnn_reshape_fully_connected_nc_qd8_f32_qb4w(fc_, rows, pool), "reshape fc qb4w");
    check(xnn_setup_fully_connected_nc_qd8_f32_qb4w(fc_, qx.data(), y, qparams.data()),
          "setup fc qb4w");
  } else {
    check(xnn_reshape_fully_connected_nc_qd8_f32_qc4w(fc_, rows, pool), "reshape fc qc4w");
    check(xnn_setup_fully_connected_nc_qd8_f32_qc4w(fc_, qx.data(), y, qparams.data()),
          "setup fc qc4w");
  }
  check(xnn_run_operator(fc_, pool), "run fully_connected (quantized)");
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
