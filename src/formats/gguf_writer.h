// Writer for GGUF v3 files (the layout formats/gguf.h reads): metadata of
// every value type, tensors stored as F32, F16, Q8_0 or Q4_0, data aligned
// to 32 bytes. The quantizers reproduce ggml's reference
// quantize_row_q8_0_ref / quantize_row_q4_0_ref bit for bit (round to
// nearest the way ggml does: roundf for Q8_0, truncation of x + 8.5 for
// Q4_0; scales from the unrounded f32 d, stored as f16 round-to-even).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/gguf.h"
#include "tensor/ggml_blocks.h"

namespace pf {

// IEEE binary32 -> binary16, round to nearest even (what ggml's
// GGML_FP32_TO_FP16 does); overflow gives inf, NaN stays NaN.
uint16_t f32_to_f16(float value);

// `n` floats (a multiple of 32) into ggml blocks at `dst`, which must hold
// ggml_row_bytes(type, n) bytes.
void quantize_row_q8_0(const float* src, int64_t n, uint8_t* dst);
void quantize_row_q4_0(const float* src, int64_t n, uint8_t* dst);
// F32, F16, Q8_0 or Q4_0 (kUnsupported otherwise; kInvalidArgument when n
// is not a multiple of the block size).
void quantize_row(GgmlType type, const float* src, int64_t n, uint8_t* dst);

class GgufWriter {
 public:
  void add_u8(const std::string& key, uint8_t v);
  void add_i8(const std::string& key, int8_t v);
  void add_u16(const std::string& key, uint16_t v);
  void add_i16(const std::string& key, int16_t v);
  void add_u32(const std::string& key, uint32_t v);
  void add_i32(const std::string& key, int32_t v);
  void add_u64(const std::string& key, uint64_t v);
  void add_i64(const std::string& key, int64_t v);
  void add_f32(const std::string& key, float v);
  void add_f64(const std::string& key, double v);
  void add_bool(const std::string& key, bool v);
  void add_string(const std::string& key, const std::string& v);
  void add_string_array(const std::string& key, const std::vector<std::string>& v);
  void add_f32_array(const std::string& key, const std::vector<float>& v);
  void add_i32_array(const std::string& key, const std::vector<int32_t>& v);

  // A tensor of `ne` (ggml order: ne[0] contiguous) from row-major f32
  // `values` (numel elements), stored as `type`. Throws kInvalidArgument
  // for a duplicate name, a size mismatch, or ne[0] not a multiple of the
  // type's block size.
  void add_tensor(const std::string& name, const std::vector<int64_t>& ne, GgmlType type,
                  const float* values, size_t count);

  size_t tensor_count() const { return tensors_.size(); }
  // The whole file.
  std::vector<uint8_t> finish() const;

 private:
  void key(const std::string& key, GgufValueType type);
  struct Tensor {
    std::string name;
    std::vector<int64_t> ne;
    GgmlType type;
    std::vector<uint8_t> data;
  };
  std::vector<uint8_t> kv_;  // serialized metadata entries
  uint64_t kv_count_ = 0;
  std::vector<std::string> keys_;
  std::vector<Tensor> tensors_;
};

}  // namespace pf
