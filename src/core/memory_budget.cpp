#include "core/memory_budget.h"

#include <cstdint>
#include <cstdlib>
#include <limits>

#include "core/error.h"

namespace pf {

namespace {

std::string megabytes(uint64_t bytes) {
  return std::to_string((bytes >> 20) + ((bytes & ((1u << 20) - 1)) != 0)) + " MB";
}

}  // namespace

void ensure_heap_room(uint64_t bytes, const std::string& what) {
  // wasm32 cannot address more than 4 GB; say so before asking malloc.
  constexpr uint64_t kWasm32Limit = uint64_t{4} << 30;
  if ((sizeof(void*) == 4 && bytes >= kWasm32Limit) ||
      bytes > std::numeric_limits<size_t>::max() / 2) {
    fail(ErrorCode::kOutOfMemory, what + " needs about " + megabytes(bytes) +
                                      ", more than a 32-bit WebAssembly heap can hold (4096 MB)");
  }
  // A trial allocation grows the heap now; dlmalloc keeps the freed block
  // for the allocations that follow. Called through a volatile pointer so
  // the compiler cannot drop the unused malloc/free pair.
  static void* (*volatile const allocate)(size_t) = std::malloc;
  void* probe = allocate((size_t)bytes);
  if (probe == nullptr) {
    fail(ErrorCode::kOutOfMemory,
         what + " needs about " + megabytes(bytes) +
             " more memory than is available (the browser or the 4 GB wasm32 limit refused it); "
             "try a smaller dtype such as 'int8' or 'q4', or a smaller model");
  }
  std::free(probe);
}

uint64_t loaded_weight_bytes(uint64_t numel, int bits_per_weight) {
  // numel comes from validated tensor sizes (each < 2^62 bytes), so this
  // cannot wrap in 64 bits.
  return numel * 4 + (numel * (uint64_t)bits_per_weight + 7) / 8;
}

}  // namespace pf
