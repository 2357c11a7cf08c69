#include "formats/gguf.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "tensor/shape_text.h"

namespace pf {

namespace {

constexpr uint32_t kDefaultAlignment = 32;
constexpr uint32_t kMaxDims = 4;  // GGML_MAX_DIMS
// The smallest possible encodings, used to bound counts by the bytes left
// before anything is allocated for them.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;              // empty key, type, u8 value
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;  // empty name, 1 dim
constexpr uint64_t kMinStringBytes = 8;
// Reservations from a claimed count are capped: the count is only bounded by
// the file size, and a hostile file should not get a multiple of its size
// reserved up front. Larger real counts just grow the vector as they parse.
constexpr uint64_t kMaxReserve = 1u << 20;

[[noreturn]] void corrupt(const std::string& file, const std::string& what) {
  fail(ErrorCode::kCorruptModel, file + ": " + what);
}

// Bytes of one fixed-width metadata value; 0 for string / array.
uint64_t value_width(GgufValueType t) {
  switch (t) {
    case GgufValueType::kU8: case GgufValueType::kI8: case GgufValueType::kBool: return 1;
    case GgufValueType::kU16: case GgufValueType::kI16: return 2;
    case GgufValueType::kU32: case GgufValueType::kI32: case GgufValueType::kF32: return 4;
    case GgufValueType::kU64: case GgufValueType::kI64: case GgufValueType::kF64: return 8;
    case GgufValueType::kString: case GgufValueType::kArray: return 0;
  }
  return 0;
}

bool is_integer(GgufValueType t) {
  switch (t) {
    case GgufValueType::kU8: case GgufValueType::kI8: case GgufValueType::kU16:
    case GgufValueType::kI16: case GgufValueType::kU32: case GgufValueType::kI32:
    case GgufValueType::kU64: case GgufValueType::kI64:
      return true;
    default:
      return false;
  }
}

bool is_unsigned(GgufValueType t) {
  return t == GgufValueType::kU8 || t == GgufValueType::kU16 || t == GgufValueType::kU32 ||
         t == GgufValueType::kU64;
}

uint64_t le_bytes(const uint8_t* p, uint64_t width) {
  uint64_t v = 0;
  for (uint64_t i = width; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

// Decodes one fixed-width element into the scalar fields of `out`.
void decode_scalar(GgufValueType t, const uint8_t* p, GgufValue* out) {
  const uint64_t raw = le_bytes(p, value_width(t));
  switch (t) {
    case GgufValueType::kI8: out->i = (int8_t)raw; break;
    case GgufValueType::kI16: out->i = (int16_t)raw; break;
    case GgufValueType::kI32: out->i = (int32_t)raw; break;
    case GgufValueType::kI64: out->i = (int64_t)raw; break;
    case GgufValueType::kF32: {
      float f;
      const uint32_t bits = (uint32_t)raw;
      std::memcpy(&f, &bits, 4);
      out->f = f;
      break;
    }
    case GgufValueType::kF64: {
      double d;
      std::memcpy(&d, &raw, 8);
      out->f = d;
      break;
    }
    case GgufValueType::kBool:  // any non-zero byte is true, as ggml reads it
      out->u = raw != 0;
      out->i = (int64_t)out->u;
      break;
    default:  // unsigned integers
      out->u = raw;
      out->i = raw > (uint64_t)std::numeric_limits<int64_t>::max() ? 0 : (int64_t)raw;
      break;
  }
}

// Sequential little-endian reads, each checked against the bytes left. The
// `what` descriptions only become message text on failure, so the hot path
// (100k-token vocabularies) builds no strings.
class Reader {
 public:
  Reader(const uint8_t* bytes, size_t size, const std::string& file)
      : bytes_(bytes), size_(size), file_(file) {}

  uint64_t pos() const { return pos_; }
  uint64_t left() const { return size_ - pos_; }
  const uint8_t* here() const { return bytes_ + pos_; }

  const uint8_t* take(uint64_t n, std::string_view what, std::string_view suffix = {}) {
    if (n > left()) truncated(n, what, suffix, "");
    const uint8_t* p = here();
    pos_ += n;
    return p;
  }
  uint32_t u32(std::string_view what, std::string_view suffix = {}) {
    return (uint32_t)le_bytes(take(4, what, suffix), 4);
  }
  uint64_t u64(std::string_view what, std::string_view suffix = {}) {
    return le_bytes(take(8, what, suffix), 8);
  }
  std::string_view string(std::string_view what, std::string_view suffix = {}) {
    if (left() < 8) truncated(8, what, suffix, " length");
    const uint64_t len = le_bytes(take(8, what, suffix), 8);
    if (len > left()) {
      corrupt(file_, "truncated: " + std::string(what) + std::string(suffix) + " length " +
                         std::to_string(len) + " at byte " + std::to_string(pos_ - 8) +
                         " runs past the end (" + std::to_string(left()) + " bytes left)");
    }
    const uint8_t* p = take(len, what, suffix);
    return std::string_view(reinterpret_cast<const char*>(p), (size_t)len);
  }

 private:
  [[noreturn]] void truncated(uint64_t n, std::string_view what, std::string_view suffix,
                              const char* part) const {
    corrupt(file_, "truncated: " + std::string(what) + std::string(suffix) + part + " at byte " +
                       std::to_string(pos_) + " needs " + std::to_string(n) + " bytes, only " +
                       std::to_string(left()) + " left");
  }

  const uint8_t* bytes_;
  uint64_t size_;
  uint64_t pos_ = 0;
  const std::string& file_;
};

GgufValueType read_value_type(Reader& r, const std::string& file, const std::string& what) {
  const uint32_t t = r.u32(what, " type");
  if (t > (uint32_t)GgufValueType::kF64) {
    corrupt(file, what + " has unknown value type " + std::to_string(t));
  }
  return (GgufValueType)t;
}

GgufValue read_value(Reader& r, GgufValueType type, const std::string& file, const std::string& what) {
  GgufValue v;
  v.type = type;
  if (type == GgufValueType::kString) {
    v.str = r.string(what);
    return v;
  }
  if (type != GgufValueType::kArray) {
    decode_scalar(type, r.take(value_width(type), what), &v);
    return v;
  }
  v.elem_type = read_value_type(r, file, what + " element");
  v.count = r.u64(what, " array length");
  if (v.elem_type == GgufValueType::kArray) {
    fail(ErrorCode::kUnsupported, file + ": " + what + " is an array of arrays, which is not supported");
  }
  if (v.elem_type == GgufValueType::kString) {
    if (v.count > r.left() / kMinStringBytes) {
      corrupt(file, "truncated: " + what + " claims " + std::to_string(v.count) +
                        " strings but only " + std::to_string(r.left()) + " bytes are left");
    }
    v.strings.reserve((size_t)std::min(v.count, kMaxReserve));
    for (uint64_t k = 0; k < v.count; ++k) v.strings.push_back(r.string(what, " element"));
    return v;
  }
  const uint64_t width = value_width(v.elem_type);
  if (v.count > r.left() / width) {
    corrupt(file, "truncated: " + what + " claims " + std::to_string(v.count) + " " +
                      gguf_value_type_name(v.elem_type) + " elements but only " +
                      std::to_string(r.left()) + " bytes are left");
  }
  v.elems = r.take(v.count * width, what);
  return v;
}

}  // namespace

const char* gguf_value_type_name(GgufValueType type) {
  switch (type) {
    case GgufValueType::kU8: return "u8";
    case GgufValueType::kI8: return "i8";
    case GgufValueType::kU16: return "u16";
    case GgufValueType::kI16: return "i16";
    case GgufValueType::kU32: return "u32";
    case GgufValueType::kI32: return "i32";
    case GgufValueType::kF32: return "f32";
    case GgufValueType::kBool: return "bool";
    case GgufValueType::kString: return "string";
    case GgufValueType::kArray: return "array";
    case GgufValueType::kU64: return "u64";
    case GgufValueType::kI64: return "i64";
    case GgufValueType::kF64: return "f64";
  }
  return "?";
}

int64_t GgufTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : ne) n *= d;  // parse() proved the product fits
  return n;
}

std::string GgufTensor::shape_string() const { return shape_text(ne); }

GgufFile GgufFile::parse(const uint8_t* bytes, size_t size, const std::string& file_name) {
  Reader r(bytes, size, file_name);
  GgufFile file;
  file.file_name_ = file_name;

  const uint8_t* magic = r.take(4, "magic");
  if (std::string_view(reinterpret_cast<const char*>(magic), 4) != "GGUF") {
    corrupt(file_name, "not a GGUF file (bad magic; expected \"GGUF\")");
  }
  file.version_ = r.u32("version");
  if (file.version_ != 2 && file.version_ != 3) {
    const uint32_t v = file.version_;
    const uint32_t swapped = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
    fail(ErrorCode::kUnsupported,
         file_name + ": GGUF version " + std::to_string(v) +
             (swapped == 2 || swapped == 3 ? " (a big-endian file)" : "") +
             " is not supported (versions 2 and 3 are)");
  }
  const uint64_t tensor_count = r.u64("tensor count");
  const uint64_t kv_count = r.u64("metadata count");
  if (kv_count > r.left() / kMinKvBytes) {
    corrupt(file_name, "truncated: header claims " + std::to_string(kv_count) +
                           " metadata entries but only " + std::to_string(r.left()) +
                           " bytes are left");
  }
  if (tensor_count > r.left() / kMinTensorInfoBytes) {
    corrupt(file_name, "truncated: header claims " + std::to_string(tensor_count) +
                           " tensors but only " + std::to_string(r.left()) + " bytes are left");
  }

  for (uint64_t k = 0; k < kv_count; ++k) {
    const std::string_view key = r.string("metadata key #" + std::to_string(k));
    const std::string what = "metadata '" + std::string(key) + "'";
    const GgufValueType type = read_value_type(r, file_name, what);
    GgufValue value = read_value(r, type, file_name, what);
    if (!file.metadata_.emplace(std::string(key), std::move(value)).second) {
      corrupt(file_name, "duplicate metadata key '" + std::string(key) + "'");
    }
  }

  if (const GgufValue* a = file.find("general.alignment")) {
    if (a->type != GgufValueType::kU32) {
      corrupt(file_name, std::string("general.alignment must be a u32, not ") +
                             gguf_value_type_name(a->type));
    }
    if (a->u == 0 || (a->u & (a->u - 1)) != 0) {
      corrupt(file_name, "general.alignment " + std::to_string(a->u) + " is not a power of two");
    }
    file.alignment_ = (uint32_t)a->u;
  } else {
    file.alignment_ = kDefaultAlignment;
  }

  file.tensors_.reserve((size_t)std::min<uint64_t>(tensor_count, 4096));
  for (uint64_t t = 0; t < tensor_count; ++t) {
    GgufTensor info;
    info.name = std::string(r.string("tensor #" + std::to_string(t) + " name"));
    const std::string what = "tensor '" + info.name + "'";
    const uint32_t n_dims = r.u32(what, " n_dims");
    if (n_dims == 0 || n_dims > kMaxDims) {
      corrupt(file_name, what + " has n_dims " + std::to_string(n_dims) + " (must be 1 to 4)");
    }
    // The element count must fit in int64 (ggml's int64 ne). A zero
    // dimension makes the tensor empty, but the other dims must still be sane.
    uint64_t nonzero_product = 1;
    bool has_zero = false;
    for (uint32_t d = 0; d < n_dims; ++d) {
      const uint64_t dim = r.u64(what, " dimension");
      if (dim > (uint64_t)std::numeric_limits<int64_t>::max()) {
        corrupt(file_name, what + " has a negative dimension " + std::to_string((int64_t)dim));
      }
      info.ne.push_back((int64_t)dim);
      if (dim == 0) {
        has_zero = true;
      } else if (nonzero_product > (uint64_t)std::numeric_limits<int64_t>::max() / dim) {
        corrupt(file_name, what + " dimensions " + shape_text(info.ne) +
                               "... overflow 64 bits (element count too large)");
      } else {
        nonzero_product *= dim;
      }
    }
    const uint64_t elements = has_zero ? 0 : nonzero_product;
    const uint32_t raw_type = r.u32(what, " type");
    info.offset = r.u64(what, " offset");
    if (!ggml_type_supported(raw_type)) {
      fail(ErrorCode::kUnsupported,
           file_name + ": " + what + " has ggml type " + std::to_string(raw_type) + " (" +
               ggml_type_name(raw_type) +
               "), which is not supported (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, "
               "Q3_K, Q4_K, Q5_K, Q6_K, Q8_K are)");
    }
    info.type = (GgmlType)raw_type;
    const int64_t block = ggml_block_size(info.type);
    if (info.ne[0] % block != 0) {
      corrupt(file_name, what + " row length ne0=" + std::to_string(info.ne[0]) +
                             " is not a multiple of the " + ggml_type_name(info.type) +
                             " block size " + std::to_string(block));
    }
    // bytes = rows * row_bytes; a row holds at most as many bytes as 4x its
    // elements and elements < 2^63, but the product can still pass 2^64.
    const uint64_t row_bytes = (uint64_t)(info.ne[0] / block) * ggml_block_bytes(info.type);
    const uint64_t rows = info.ne[0] == 0 ? 0 : elements / (uint64_t)info.ne[0];
    if (row_bytes != 0 && rows > std::numeric_limits<uint64_t>::max() / row_bytes) {
      corrupt(file_name, what + " dimensions " + shape_text(info.ne) + " overflow 64 bits (byte size too large)");
    }
    const uint64_t nbytes = row_bytes * rows;
    if (nbytes > size) {
      corrupt(file_name, what + " " + shape_text(info.ne) + " of " + ggml_type_name(info.type) +
                             " needs " + std::to_string(nbytes) + " bytes, more than the " +
                             std::to_string(size) + "-byte file");
    }
    info.nbytes = (size_t)nbytes;
    if (!file.tensor_index_.emplace(info.name, file.tensors_.size()).second) {
      corrupt(file_name, "duplicate tensor name '" + info.name + "'");
    }
    file.tensors_.push_back(std::move(info));
  }

  // The data section starts at the next multiple of the alignment. A file
  // without tensors (vocab-only GGUFs) may end before that padding.
  const uint64_t header_end = r.pos();
  const uint64_t data_offset = (header_end + file.alignment_ - 1) / file.alignment_ * file.alignment_;
  if (file.tensors_.empty()) {
    file.data_offset_ = (size_t)std::min<uint64_t>(data_offset, size);
    return file;
  }
  if (data_offset > size) {
    corrupt(file_name, "truncated: the data section would start at byte " + std::to_string(data_offset) +
                           ", past the end of the " + std::to_string(size) + "-byte file");
  }
  file.data_offset_ = (size_t)data_offset;
  const uint64_t data_size = size - data_offset;
  for (GgufTensor& t : file.tensors_) {
    const std::string what = "tensor '" + t.name + "'";
    if (t.offset % file.alignment_ != 0) {
      corrupt(file_name, what + " offset " + std::to_string(t.offset) +
                             " is not aligned to " + std::to_string(file.alignment_) + " bytes");
    }
    if (t.offset > data_size || t.nbytes > data_size - t.offset) {
      corrupt(file_name, what + " bytes [" + std::to_string(t.offset) + ", +" + std::to_string(t.nbytes) +
                             ") are out of bounds of the " + std::to_string(data_size) +
                             "-byte data section (file truncated?)");
    }
    t.data = bytes + data_offset + t.offset;
  }

  // Tensors must not share bytes: an overlap means the offsets are forged.
  // Sorted by offset, each non-empty tensor must start at or after the
  // furthest end seen so far.
  std::vector<const GgufTensor*> by_offset;
  for (const GgufTensor& t : file.tensors_) {
    if (t.nbytes > 0) by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const GgufTensor* a, const GgufTensor* b) { return a->offset < b->offset; });
  const GgufTensor* furthest = nullptr;
  for (const GgufTensor* cur : by_offset) {
    if (furthest && cur->offset < furthest->offset + furthest->nbytes) {
      corrupt(file_name, "tensor '" + cur->name + "' overlaps tensor '" + furthest->name +
                             "' (offsets " + std::to_string(furthest->offset) + " and " +
                             std::to_string(cur->offset) + ")");
    }
    if (!furthest || cur->offset + cur->nbytes > furthest->offset + furthest->nbytes) furthest = cur;
  }
  return file;
}

const GgufTensor* GgufFile::find_tensor(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

bool GgufFile::has(std::string_view key) const { return metadata_.find(key) != metadata_.end(); }

const GgufValue* GgufFile::find(std::string_view key) const {
  auto it = metadata_.find(key);
  return it == metadata_.end() ? nullptr : &it->second;
}

const GgufValue& GgufFile::require(std::string_view key, const char* wanted) const {
  const GgufValue* v = find(key);
  if (!v) {
    corrupt(file_name_, "missing metadata key '" + std::string(key) + "' (" + wanted + ")");
  }
  return *v;
}

void GgufFile::wrong_type(std::string_view key, const GgufValue& v, const char* wanted) const {
  std::string actual = gguf_value_type_name(v.type);
  if (v.type == GgufValueType::kArray) actual = std::string("array of ") + gguf_value_type_name(v.elem_type);
  corrupt(file_name_, "metadata '" + std::string(key) + "' is " + actual + ", expected " + wanted);
}

namespace {

// The integer value of a scalar of integer or bool type, within [lo, hi].
bool scalar_int_in_range(const GgufValue& v, int64_t lo, int64_t hi, int64_t* out) {
  if (!is_integer(v.type) && v.type != GgufValueType::kBool) return false;
  if (is_unsigned(v.type) || v.type == GgufValueType::kBool) {
    if (v.u > (uint64_t)hi) return false;
    *out = (int64_t)v.u;
    return lo <= *out;
  }
  if (v.i < lo || v.i > hi) return false;
  *out = v.i;
  return true;
}

}  // namespace

std::string_view GgufFile::get_string(std::string_view key) const {
  const GgufValue& v = require(key, "string");
  if (v.type != GgufValueType::kString) wrong_type(key, v, "string");
  return v.str;
}

uint32_t GgufFile::get_u32(std::string_view key) const {
  const GgufValue& v = require(key, "u32");
  int64_t out;
  if (!is_integer(v.type) && v.type != GgufValueType::kBool) wrong_type(key, v, "an integer");
  if (!scalar_int_in_range(v, 0, std::numeric_limits<uint32_t>::max(), &out)) {
    corrupt(file_name_, "metadata '" + std::string(key) + "' value " +
                            (is_unsigned(v.type) ? std::to_string(v.u) : std::to_string(v.i)) +
                            " is out of the u32 range");
  }
  return (uint32_t)out;
}

int64_t GgufFile::get_i64(std::string_view key) const {
  const GgufValue& v = require(key, "integer");
  int64_t out;
  if (!is_integer(v.type) && v.type != GgufValueType::kBool) wrong_type(key, v, "an integer");
  if (!scalar_int_in_range(v, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), &out)) {
    corrupt(file_name_, "metadata '" + std::string(key) + "' value " + std::to_string(v.u) +
                            " is out of the i64 range");
  }
  return out;
}

float GgufFile::get_f32(std::string_view key) const {
  const GgufValue& v = require(key, "f32");
  if (v.type != GgufValueType::kF32 && v.type != GgufValueType::kF64) wrong_type(key, v, "f32");
  return (float)v.f;
}

bool GgufFile::get_bool(std::string_view key) const {
  const GgufValue& v = require(key, "bool");
  if (v.type != GgufValueType::kBool) wrong_type(key, v, "bool");
  return v.u != 0;
}

std::string_view GgufFile::get_string_or(std::string_view key, std::string_view fallback) const {
  return has(key) ? get_string(key) : fallback;
}
uint32_t GgufFile::get_u32_or(std::string_view key, uint32_t fallback) const {
  return has(key) ? get_u32(key) : fallback;
}
int64_t GgufFile::get_i64_or(std::string_view key, int64_t fallback) const {
  return has(key) ? get_i64(key) : fallback;
}
float GgufFile::get_f32_or(std::string_view key, float fallback) const {
  return has(key) ? get_f32(key) : fallback;
}
bool GgufFile::get_bool_or(std::string_view key, bool fallback) const {
  return has(key) ? get_bool(key) : fallback;
}

uint64_t GgufFile::get_array_size(std::string_view key) const {
  const GgufValue& v = require(key, "array");
  if (v.type != GgufValueType::kArray) wrong_type(key, v, "an array");
  return v.count;
}

const std::vector<std::string_view>& GgufFile::get_string_array(std::string_view key) const {
  const GgufValue& v = require(key, "array of string");
  if (v.type != GgufValueType::kArray || v.elem_type != GgufValueType::kString) {
    wrong_type(key, v, "array of string");
  }
  return v.strings;
}

std::vector<float> GgufFile::get_f32_array(std::string_view key) const {
  const GgufValue& v = require(key, "array of f32");
  if (v.type != GgufValueType::kArray || v.elem_type != GgufValueType::kF32) {
    wrong_type(key, v, "array of f32");
  }
  std::vector<float> out((size_t)v.count);
  for (size_t k = 0; k < out.size(); ++k) {
    GgufValue e;
    decode_scalar(GgufValueType::kF32, v.elems + 4 * k, &e);
    out[k] = (float)e.f;
  }
  return out;
}

std::vector<int32_t> GgufFile::get_i32_array(std::string_view key) const {
  const GgufValue& v = require(key, "array of integers");
  if (v.type != GgufValueType::kArray || !is_integer(v.elem_type)) {
    wrong_type(key, v, "array of integers");
  }
  const uint64_t width = value_width(v.elem_type);
  std::vector<int32_t> out((size_t)v.count);
  for (size_t k = 0; k < out.size(); ++k) {
    GgufValue e;
    e.type = v.elem_type;
    decode_scalar(v.elem_type, v.elems + width * k, &e);
    int64_t value;
    if (!scalar_int_in_range(e, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &value)) {
      corrupt(file_name_, "metadata '" + std::string(key) + "' element " + std::to_string(k) +
                              " is out of the i32 range");
    }
    out[k] = (int32_t)value;
  }
  return out;
}

void dequantize_rows(const GgufTensor& tensor, int64_t first_row, int64_t n_rows, float* dst) {
  const int64_t rows = tensor.rows();
  if (first_row < 0 || n_rows < 0 || first_row > rows || n_rows > rows - first_row) {
    fail(ErrorCode::kInvalidArgument, "dequantize_rows: rows [" + std::to_string(first_row) + ", +" +
                                          std::to_string(n_rows) + ") outside tensor '" + tensor.name +
                                          "' of " + std::to_string(rows) + " rows");
  }
  if (n_rows == 0) return;
  const int64_t ne0 = tensor.ne[0];
  const size_t row_bytes = ggml_row_bytes(tensor.type, ne0);
  for (int64_t r = 0; r < n_rows; ++r) {
    dequantize_row(tensor.type, tensor.data + (size_t)(first_row + r) * row_bytes, ne0, dst + r * ne0);
  }
}

std::vector<float> dequantize_tensor(const GgufTensor& tensor) {
  const int64_t n = tensor.numel();
  // On 32-bit targets (wasm) a tensor of few bytes per element can have more
  // elements than a float vector can address.
  if ((uint64_t)n > std::numeric_limits<size_t>::max() / sizeof(float)) {
    fail(ErrorCode::kOutOfMemory, "tensor '" + tensor.name + "' " + tensor.shape_string() +
                                      " is too large to dequantize to f32 in memory");
  }
  std::vector<float> out((size_t)n);
  dequantize_rows(tensor, 0, tensor.rows(), out.data());
  return out;
}

}  // namespace pf
