// libFuzzer: arbitrary bytes into the safetensors reader. Every view it
// returns must lie inside the buffer; reading them all lets ASan prove it.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "formats/safetensors.h"

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
  return 0;
}
