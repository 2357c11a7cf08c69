// libFuzzer: GPT-2 load from arbitrary safetensors bytes with a fixed micro
// config (the shapes of make-testdata's tiny-gpt2-micro, its seed). Loads
// that succeed also run a prefill and a decode step.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "tasks/text_generation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string config = R"({"model_type": "gpt2", "vocab_size": 16, "n_embd": 8,
      "n_layer": 1, "n_head": 2, "n_inner": null, "n_positions": 8,
      "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5})";
  try {
    auto t = pf::TextGeneration::load_hf(config, data, size, pf::WeightFormat::kF32);
    t->model().forward(std::vector<int32_t>{1, 2, 3}.data(), 3, 0);
    const int32_t next = 4;
    t->model().forward(&next, 1, 3);
  } catch (const pf::Error&) {
  }
  return 0;
}
