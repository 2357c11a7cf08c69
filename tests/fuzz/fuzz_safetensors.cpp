// libFuzzer: arbitrary bytes into the safetensors reader. Every view it
// returns must lie inside the buffer; reading them all lets ASan prove it.
// The same bytes as a model.safetensors.index.json, and split in two as the
// shards of one checkpoint (merged views must still lie in their buffers).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "formats/safetensors.h"
#include "formats/safetensors_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto file = pf::SafetensorsFile::parse(data, size);
    volatile uint8_t sink = 0;
    for (const auto& [name, view] : file.tensors()) {
      for (size_t i = 0; i < view.nbytes; i += 61) sink ^= view.data[i];
      if (view.nbytes) sink ^= view.data[view.nbytes - 1];
    }
  } catch (const pf::Error&) {
  }
  try {
    for (const std::string& name : pf::shard_file_names(std::string(reinterpret_cast<const char*>(data), size))) {
      if (name.find('/') != std::string::npos || name.empty()) __builtin_trap();
    }
  } catch (const pf::Error&) {
  }
  try {
    const size_t half = size / 2;
    const auto merged = pf::merge_shards({{"a.safetensors", data, half}, {"b.safetensors", data + half, size - half}});
    volatile uint8_t sink = 0;
    for (const auto& [name, view] : merged.tensors()) {
      if (view.data < data || view.data + view.nbytes > data + size) __builtin_trap();
      if (view.nbytes) sink ^= view.data[view.nbytes - 1];
    }
  } catch (const pf::Error&) {
  }
  return 0;
}
