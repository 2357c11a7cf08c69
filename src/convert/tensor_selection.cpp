#include "convert/tensor_selection.h"

#include <cstring>

namespace pf {

SafetensorsEntry copy_of(const TensorView& t) {
  return SafetensorsEntry{t.dtype, t.shape, std::vector<uint8_t>(t.data, t.data + t.nbytes)};
}

SafetensorsEntry select_rows(const TensorView& t, const std::vector<int64_t>& rows) {
  const size_t row_bytes = t.shape.size() == 2 ? (size_t)t.shape[1] * dtype_size(t.dtype)
                                               : dtype_size(t.dtype);
  SafetensorsEntry e{t.dtype, t.shape, {}};
  e.shape[0] = (int64_t)rows.size();
  e.data.reserve(rows.size() * row_bytes);
  for (int64_t r : rows) e.data.insert(e.data.end(), t.data + r * row_bytes, t.data + (r + 1) * row_bytes);
  return e;
}

SafetensorsEntry select_columns(const TensorView& t, const std::vector<int64_t>& cols) {
  const size_t es = dtype_size(t.dtype), C = (size_t)t.shape[1];
  SafetensorsEntry e{t.dtype, {t.shape[0], (int64_t)cols.size()}, {}};
  e.data.resize((size_t)t.shape[0] * cols.size() * es);
  uint8_t* dst = e.data.data();
  for (int64_t r = 0; r < t.shape[0]; ++r) {
    for (int64_t c : cols) {
      std::memcpy(dst, t.data + ((size_t)r * C + (size_t)c) * es, es);
      dst += es;
    }
  }
  return e;
}

}  // namespace pf
