// Writes the safetensors format (the reader is formats/safetensors.h): an
// 8-byte little-endian header length, a compact JSON header (padded with
// spaces to a multiple of 8 so tensor data stays aligned), the tensor bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tensor/dtype.h"

namespace pf {

struct SafetensorsEntry {
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;  // little-endian stored values, numel * dtype_size bytes
};

// Tensors in name order, "__metadata__" {"format": "pt"} first.
// kInvalidArgument when an entry's byte count does not match its shape.
std::vector<uint8_t> write_safetensors(const std::map<std::string, SafetensorsEntry>& tensors);

}  // namespace pf
