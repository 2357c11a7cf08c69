// The runtime's own JavaScript functions, in every wasm module (the main one
// and the converter's): thread count, version, heap use.
#include <emscripten/bind.h>
#include <malloc.h>

#include <string>

#include "kernels/runtime.h"

namespace {

int set_num_threads(int threads) {
  return (int)pf::set_num_threads(threads < 0 ? 0 : (size_t)threads);
}
int num_threads() { return (int)pf::num_threads(); }
std::string version() { return POCKETFORMER_VERSION; }

// Bytes malloc has handed out and not taken back. The wasm memory itself
// never shrinks, so this (not the memory size) is what shows whether
// load/dispose cycles leak.
double heap_in_use_bytes() { return (double)mallinfo().uordblks; }

}  // namespace

EMSCRIPTEN_BINDINGS(pocketformer_runtime) {
  emscripten::function("setNumThreads", &set_num_threads);
  emscripten::function("numThreads", &num_threads);
  emscripten::function("version", &version);
  emscripten::function("heapInUseBytes", &heap_in_use_bytes);
}
