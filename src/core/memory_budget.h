// Refusing a model before it allocates, instead of failing halfway through a
// load (or aborting): the loader estimates what it will need and asks here.
#pragma once

#include <cstdint>
#include <string>

namespace pf {

// Makes sure `bytes` more can be allocated now (in wasm this grows the heap
// up front, so the load that follows does not run out midway). Throws
// pf::Error kOutOfMemory naming `what` and the sizes otherwise.
void ensure_heap_room(uint64_t bytes, const std::string& what);

// Bytes (64-bit: sums never wrap in wasm32) a weight of `numel` elements takes once loaded: the f32 copy the
// loader converts to, plus the operator's packed copy in the compute format
// (f32 4, int8 1, 4-bit 0.5 bytes per element; per-channel scales ignored).
uint64_t loaded_weight_bytes(uint64_t numel, int bits_per_weight);

}  // namespace pf
