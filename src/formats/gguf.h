// Reader for GGUF (llama.cpp / ggml model files), versions 2 and 3:
//   "GGUF" | u32 version | u64 tensor count | u64 metadata count
//   metadata: (string key, u32 value type, value)*
//   tensor infos: (string name, u32 n_dims, u64 ne[n_dims], u32 ggml type, u64 offset)*
//   padding to `general.alignment` (default 32), then the tensor data; each
//   tensor's offset is relative to the data start and aligned.
// Strings are u64 length + bytes; all numbers little-endian. Parsing checks
// every count, length, offset and size against the buffer before using it,
// so the views it returns can be read without further checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/ggml_blocks.h"

namespace pf {

// gguf_type numbers of metadata values.
enum class GgufValueType : uint32_t {
  kU8 = 0, kI8 = 1, kU16 = 2, kI16 = 3, kU32 = 4, kI32 = 5, kF32 = 6,
  kBool = 7, kString = 8, kArray = 9, kU64 = 10, kI64 = 11, kF64 = 12,
};
const char* gguf_value_type_name(GgufValueType type);

// One metadata value. Scalars are decoded at parse time; arrays keep a view of
// their little-endian elements (or, for strings, one view per element).
struct GgufValue {
  GgufValueType type = GgufValueType::kU8;
  // Scalars: integers and bools in `i` (u64 above INT64_MAX in `u`), floats in `f`.
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  std::string_view str;  // kString
  // kArray:
  GgufValueType elem_type = GgufValueType::kU8;
  uint64_t count = 0;
  const uint8_t* elems = nullptr;         // fixed-width element bytes
  std::vector<std::string_view> strings;  // elem_type == kString
};

struct GgufTensor {
  std::string name;
  GgmlType type = GgmlType::kF32;
  std::vector<int64_t> ne;  // ggml order: ne[0] is the contiguous dimension
  uint64_t offset = 0;      // relative to the data section
  const uint8_t* data = nullptr;  // points into the parsed buffer
  size_t nbytes = 0;

  int64_t numel() const;
  int64_t rows() const { return ne.empty() || ne[0] == 0 ? 0 : numel() / ne[0]; }
  std::string shape_string() const;  // "[ne0, ne1, ...]"
};

class GgufFile {
 public:
  // `file_name` is only used in error messages. The buffer must outlive the
  // returned object (views point into it). Malformed input fails with
  // kCorruptModel, a valid file with a tensor type we cannot decode (or
  // version 1) with kUnsupported.
  static GgufFile parse(const uint8_t* bytes, size_t size, const std::string& file_name = "model.gguf");

  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }
  size_t data_offset() const { return data_offset_; }
  const std::string& file_name() const { return file_name_; }

  // Tensors in file order.
  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const GgufTensor* find_tensor(const std::string& name) const;

  // Metadata. The typed getters fail with kCorruptModel naming the key when
  // it is missing or of the wrong type. Integer getters accept any integer
  // type (and bool) whose value fits; get_f32 accepts f32 and f64.
  const std::map<std::string, GgufValue, std::less<>>& metadata() const { return metadata_; }
  bool has(std::string_view key) const;
  const GgufValue* find(std::string_view key) const;
  std::string_view get_string(std::string_view key) const;
  uint32_t get_u32(std::string_view key) const;
  int64_t get_i64(std::string_view key) const;
  float get_f32(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  std::string_view get_string_or(std::string_view key, std::string_view fallback) const;
  uint32_t get_u32_or(std::string_view key, uint32_t fallback) const;
  int64_t get_i64_or(std::string_view key, int64_t fallback) const;
  float get_f32_or(std::string_view key, float fallback) const;
  bool get_bool_or(std::string_view key, bool fallback) const;
  // Arrays: the element count of any array; string elements; f32 elements
  // (f32 arrays only); integer elements of any integer type, each in range.
  uint64_t get_array_size(std::string_view key) const;
  const std::vector<std::string_view>& get_string_array(std::string_view key) const;
  std::vector<float> get_f32_array(std::string_view key) const;
  std::vector<int32_t> get_i32_array(std::string_view key) const;
  // general.architecture ("llama", "gpt2", "bert", ...).
  std::string_view architecture() const { return get_string("general.architecture"); }

 private:
  const GgufValue& require(std::string_view key, const char* wanted) const;
  [[noreturn]] void wrong_type(std::string_view key, const GgufValue& v, const char* wanted) const;

  std::string file_name_;
  uint32_t version_ = 0;
  uint32_t alignment_ = 32;
  size_t data_offset_ = 0;
  std::vector<GgufTensor> tensors_;
  std::map<std::string, size_t, std::less<>> tensor_index_;
  std::map<std::string, GgufValue, std::less<>> metadata_;
};

// All elements of `tensor` as f32, rows of ne[0] in storage order. Fails
// with kOutOfMemory when the f32 copy cannot be addressed.
std::vector<float> dequantize_tensor(const GgufTensor& tensor);
// Rows [first_row, first_row + n_rows) (each ne[0] elements) into `dst`,
// so large tensors can be converted a slice at a time. kInvalidArgument when
// the range is outside the tensor.
void dequantize_rows(const GgufTensor& tensor, int64_t first_row, int64_t n_rows, float* dst);

}  // namespace pf
