// libFuzzer: arbitrary bytes as a llama2.c checkpoint. Whatever parses must
// load and run a forward pass without touching memory outside the buffer
// (the KV cache is capped at 8 positions to keep each run small).
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "formats/llama2c.h"
#include "models/llama.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto ckpt = pf::Llama2cCheckpoint::parse(data, size, /*max_context=*/8);
    auto model = pf::LlamaModel::load(ckpt.config(), ckpt);
    const int32_t tokens[2] = {0, (int32_t)(ckpt.config().vocab_size - 1)};
    volatile float sink = model->forward(tokens, 2, 0)[0];
    (void)sink;
  } catch (const pf::Error&) {
  }
  return 0;
}
