#include "formats/safetensors_writer.h"

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace pf {

std::vector<uint8_t> write_safetensors(const std::map<std::string, SafetensorsEntry>& tensors) {
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"format", "pt"}};
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    uint64_t numel = 1;
    for (int64_t d : t.shape) numel *= (uint64_t)d;
    if (numel * dtype_size(t.dtype) != t.data.size()) {
      fail(ErrorCode::kInvalidArgument, "safetensors writer: '" + name + "' has " +
                                            std::to_string(t.data.size()) +
                                            " bytes, its shape needs " +
                                            std::to_string(numel * dtype_size(t.dtype)));
    }
    nlohmann::ordered_json entry;
    entry["dtype"] = dtype_name(t.dtype);
    entry["shape"] = t.shape;
    entry["data_offsets"] = {offset, offset + t.data.size()};
    header[name] = entry;
    offset += t.data.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::vector<uint8_t> out;
  out.reserve(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i) out.push_back((uint8_t)((uint64_t)text.size() >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  for (const auto& entry : tensors) out.insert(out.end(), entry.second.data.begin(), entry.second.data.end());
  return out;
}

}  // namespace pf
