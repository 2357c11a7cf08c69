// libFuzzer: arbitrary text as config.json.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "formats/model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto config = pf::parse_encoder_config(std::string(reinterpret_cast<const char*>(data), size));
    // Accepted configs must be internally consistent.
    if (config.hidden_size % config.num_attention_heads != 0) __builtin_trap();
    for (const auto& [layer, heads] : config.pruned_heads) {
      if (layer < 0 || layer >= config.num_hidden_layers) __builtin_trap();
      for (int64_t h : heads) {
        if (h < 0 || h >= config.num_attention_heads) __builtin_trap();
      }
    }
  } catch (const pf::Error&) {
  }
  return 0;
}
