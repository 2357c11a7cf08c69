// libFuzzer: arbitrary bytes into the GGUF reader. Every accepted file has
// each metadata value read through the typed getters and every tensor
// dequantized, so ASan proves all views lie inside the buffer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "formats/gguf.h"

namespace {

// Calls a getter that may legitimately refuse (wrong type, out of range).
template <typename Fn>
void try_get(Fn&& fn) {
  try {
    fn();
  } catch (const pf::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pf::GgufFile file;
  try {
    file = pf::GgufFile::parse(data, size, "fuzz.gguf");
  } catch (const pf::Error&) {
    return 0;
  }
  volatile float sink = 0;
  for (const auto& entry : file.metadata()) {
    const std::string& key = entry.first;
    try_get([&] { sink = sink + (float)file.get_string(key).size(); });
    try_get([&] { sink = sink + (float)file.get_u32(key); });
    try_get([&] { sink = sink + (float)file.get_i64(key); });
    try_get([&] { sink = sink + file.get_f32(key); });
    try_get([&] { sink = sink + (float)file.get_bool(key); });
    try_get([&] {
      for (std::string_view s : file.get_string_array(key)) sink = sink + (s.empty() ? 0.f : (float)s.back());
    });
    try_get([&] {
      for (float f : file.get_f32_array(key)) sink = sink + f;
    });
    try_get([&] {
      for (int32_t i : file.get_i32_array(key)) sink = sink + (float)i;
    });
  }
  try_get([&] { sink = sink + (float)file.architecture().size(); });
  for (const pf::GgufTensor& t : file.tensors()) {
    // dequantize_tensor must not throw for a tensor the parser accepted.
    const auto values = pf::dequantize_tensor(t);
    if ((int64_t)values.size() != t.numel()) __builtin_trap();
    for (size_t i = 0; i < values.size(); i += 97) sink = sink + values[i];
  }
  return 0;
}
