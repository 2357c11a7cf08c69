// libFuzzer: arbitrary text as a decoder config.json (llama / qwen2 / gpt2).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "formats/decoder_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto c =
        pf::parse_decoder_config(std::string(reinterpret_cast<const char*>(data), size), 64);
    // Accepted configs must be internally consistent.
    if (c.n_heads % c.n_kv_heads != 0 || c.max_context < 1 || c.max_context > 64) __builtin_trap();
    if (c.model_type == "gpt2" &&
        (c.q_dim() != c.dim || c.n_kv_heads != c.n_heads || c.max_context > c.max_positions ||
         !(c.layer_norm_eps > 0.f))) {
      __builtin_trap();
    }
  } catch (const pf::Error&) {
  }
  return 0;
}
