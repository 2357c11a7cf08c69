#include "formats/gguf_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace pf {

namespace {

constexpr uint32_t kAlignment = 32;

void put_bytes(std::vector<uint8_t>& out, const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  out.insert(out.end(), b, b + n);
}

template <typename T>
void put_le(std::vector<uint8_t>& out, T v) {
  uint8_t b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // every target we build for is little-endian
  put_bytes(out, b, sizeof(T));
}

void put_string(std::vector<uint8_t>& out, const std::string& s) {
  put_le<uint64_t>(out, s.size());
  put_bytes(out, s.data(), s.size());
}

void put_f16(uint8_t* dst, float v) {
  const uint16_t h = f32_to_f16(v);
  dst[0] = (uint8_t)(h & 0xFF);
  dst[1] = (uint8_t)(h >> 8);
}

}  // namespace

uint16_t f32_to_f16(float value) {
  uint32_t x;
  std::memcpy(&x, &value, sizeof(x));
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t exp = (x >> 23) & 0xFFu;
  uint32_t mant = x & 0x7FFFFFu;
  if (exp == 0xFF) return (uint16_t)(sign | 0x7C00u | (mant ? 0x200u : 0u));  // inf / NaN
  const int32_t e = (int32_t)exp - 127 + 15;
  if (e >= 31) return (uint16_t)(sign | 0x7C00u);  // overflow -> inf
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit-1 mantissa into place and
    // round to nearest even on the dropped bits.
    if (e < -10) return (uint16_t)sign;
    mant |= 0x800000u;
    const uint32_t shift = (uint32_t)(14 - e);
    uint32_t half = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) ++half;
    return (uint16_t)(sign | half);
  }
  uint32_t half = ((uint32_t)e << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1))) ++half;  // may carry into inf: correct
  return (uint16_t)(sign | half);
}

void quantize_row_q8_0(const float* x, int64_t n, uint8_t* dst) {
  for (int64_t b = 0; b < n / 32; ++b, x += 32, dst += 34) {
    float amax = 0.f;
    for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.f;
    const float id = d != 0.f ? 1.0f / d : 0.0f;
    put_f16(dst, d);
    for (int j = 0; j < 32; ++j) dst[2 + j] = (uint8_t)(int8_t)std::roundf(x[j] * id);
  }
}

void quantize_row_q4_0(const float* x, int64_t n, uint8_t* dst) {
  for (int64_t b = 0; b < n / 32; ++b, x += 32, dst += 18) {
    // The signed value of largest magnitude (the first one on ties): its
    // sign makes it map to -8 exactly.
    float amax = 0.f, max = 0.f;
    for (int j = 0; j < 32; ++j) {
      if (amax < std::fabs(x[j])) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    const float d = max / -8.f;
    const float id = d != 0.f ? 1.0f / d : 0.0f;
    put_f16(dst, d);
    for (int j = 0; j < 16; ++j) {
      const int lo = std::min(15, (int)(int8_t)(x[j] * id + 8.5f));
      const int hi = std::min(15, (int)(int8_t)(x[16 + j] * id + 8.5f));
      dst[2 + j] = (uint8_t)(lo | (hi << 4));
    }
  }
}

void quantize_row(GgmlType type, const float* src, int64_t n, uint8_t* dst) {
  if (n % ggml_block_size(type) != 0) {
    fail(ErrorCode::kInvalidArgument, "quantize_row: " + std::to_string(n) +
                                          " elements is not a multiple of the " +
                                          ggml_type_name(type) + " block size");
  }
  switch (type) {
    case GgmlType::kF32:
      std::memcpy(dst, src, (size_t)n * sizeof(float));
      return;
    case GgmlType::kF16:
      for (int64_t i = 0; i < n; ++i) put_f16(dst + 2 * i, src[i]);
      return;
    case GgmlType::kQ8_0: quantize_row_q8_0(src, n, dst); return;
    case GgmlType::kQ4_0: quantize_row_q4_0(src, n, dst); return;
    default:
      fail(ErrorCode::kUnsupported, "GGUF writer: cannot store tensors as " + ggml_type_name(type) +
                                        " (supported: F32, F16, Q8_0, Q4_0)");
  }
}

void GgufWriter::key(const std::string& k, GgufValueType type) {
  if (std::find(keys_.begin(), keys_.end(), k) != keys_.end()) {
    fail(ErrorCode::kInvalidArgument, "GGUF writer: duplicate metadata key '" + k + "'");
  }
  keys_.push_back(k);
  put_string(kv_, k);
  put_le<uint32_t>(kv_, (uint32_t)type);
  ++kv_count_;
}

void GgufWriter::add_u8(const std::string& k, uint8_t v) { key(k, GgufValueType::kU8); put_le(kv_, v); }
void GgufWriter::add_i8(const std::string& k, int8_t v) { key(k, GgufValueType::kI8); put_le(kv_, v); }
void GgufWriter::add_u16(const std::string& k, uint16_t v) { key(k, GgufValueType::kU16); put_le(kv_, v); }
void GgufWriter::add_i16(const std::string& k, int16_t v) { key(k, GgufValueType::kI16); put_le(kv_, v); }
void GgufWriter::add_u32(const std::string& k, uint32_t v) { key(k, GgufValueType::kU32); put_le(kv_, v); }
void GgufWriter::add_i32(const std::string& k, int32_t v) { key(k, GgufValueType::kI32); put_le(kv_, v); }
void GgufWriter::add_u64(const std::string& k, uint64_t v) { key(k, GgufValueType::kU64); put_le(kv_, v); }
void GgufWriter::add_i64(const std::string& k, int64_t v) { key(k, GgufValueType::kI64); put_le(kv_, v); }
void GgufWriter::add_f32(const std::string& k, float v) { key(k, GgufValueType::kF32); put_le(kv_, v); }
void GgufWriter::add_f64(const std::string& k, double v) { key(k, GgufValueType::kF64); put_le(kv_, v); }
void GgufWriter::add_bool(const std::string& k, bool v) {
  key(k, GgufValueType::kBool);
  put_le<uint8_t>(kv_, v ? 1 : 0);
}
void GgufWriter::add_string(const std::string& k, const std::string& v) {
  key(k, GgufValueType::kString);
  put_string(kv_, v);
}

void GgufWriter::add_string_array(const std::string& k, const std::vector<std::string>& v) {
  key(k, GgufValueType::kArray);
  put_le<uint32_t>(kv_, (uint32_t)GgufValueType::kString);
  put_le<uint64_t>(kv_, v.size());
  for (const std::string& s : v) put_string(kv_, s);
}

void GgufWriter::add_f32_array(const std::string& k, const std::vector<float>& v) {
  key(k, GgufValueType::kArray);
  put_le<uint32_t>(kv_, (uint32_t)GgufValueType::kF32);
  put_le<uint64_t>(kv_, v.size());
  for (float x : v) put_le(kv_, x);
}

void GgufWriter::add_i32_array(const std::string& k, const std::vector<int32_t>& v) {
  key(k, GgufValueType::kArray);
  put_le<uint32_t>(kv_, (uint32_t)GgufValueType::kI32);
  put_le<uint64_t>(kv_, v.size());
  for (int32_t x : v) put_le(kv_, x);
}

void GgufWriter::add_tensor(const std::string& name, const std::vector<int64_t>& ne,
                            GgmlType type, const float* values, size_t count) {
  for (const Tensor& t : tensors_) {
    if (t.name == name) fail(ErrorCode::kInvalidArgument, "GGUF writer: duplicate tensor '" + name + "'");
  }
  if (ne.empty() || ne.size() > 4) {
    fail(ErrorCode::kInvalidArgument, "GGUF writer: tensor '" + name + "' needs 1 to 4 dims");
  }
  int64_t numel = 1;
  for (int64_t d : ne) {
    if (d < 1 || d > (int64_t(1) << 32)) {
      fail(ErrorCode::kInvalidArgument, "GGUF writer: tensor '" + name + "' has a bad dim");
    }
    numel *= d;
  }
  if ((size_t)numel != count) {
    fail(ErrorCode::kInvalidArgument, "GGUF writer: tensor '" + name + "' has " +
                                          std::to_string(count) + " values for " +
                                          std::to_string(numel) + " elements");
  }
  if (ne[0] % ggml_block_size(type) != 0) {
    fail(ErrorCode::kInvalidArgument, "GGUF writer: tensor '" + name + "' ne[0] = " +
                                          std::to_string(ne[0]) + " is not a multiple of the " +
                                          ggml_type_name(type) + " block size");
  }
  Tensor t{name, ne, type, {}};
  const size_t row_bytes = ggml_row_bytes(type, ne[0]);
  const int64_t rows = numel / ne[0];
  t.data.resize(row_bytes * (size_t)rows);
  for (int64_t r = 0; r < rows; ++r) {
    quantize_row(type, values + r * ne[0], ne[0], t.data.data() + (size_t)r * row_bytes);
  }
  tensors_.push_back(std::move(t));
}

std::vector<uint8_t> GgufWriter::finish() const {
  std::vector<uint8_t> out;
  put_bytes(out, "GGUF", 4);
  put_le<uint32_t>(out, 3);
  put_le<uint64_t>(out, tensors_.size());
  put_le<uint64_t>(out, kv_count_);
  put_bytes(out, kv_.data(), kv_.size());
  uint64_t offset = 0;
  std::vector<uint64_t> offsets;
  for (const Tensor& t : tensors_) {
    offsets.push_back(offset);
    offset = (offset + t.data.size() + kAlignment - 1) / kAlignment * kAlignment;
    put_string(out, t.name);
    put_le<uint32_t>(out, (uint32_t)t.ne.size());
    for (int64_t d : t.ne) put_le<uint64_t>(out, (uint64_t)d);
    put_le<uint32_t>(out, (uint32_t)t.type);
    put_le<uint64_t>(out, offsets.back());
  }
  out.resize((out.size() + kAlignment - 1) / kAlignment * kAlignment, 0);
  const size_t data_start = out.size();
  out.resize(data_start + offset, 0);
  for (size_t i = 0; i < tensors_.size(); ++i) {
    std::memcpy(out.data() + data_start + offsets[i], tensors_[i].data.data(),
                tensors_[i].data.size());
  }
  return out;
}

}  // namespace pf
