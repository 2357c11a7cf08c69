// The load-time memory check: a plausible request passes; one no heap can
// hold fails with kOutOfMemory and a message with the size, before any
// model allocation.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/memory_budget.h"

TEST_CASE("ensure_heap_room passes for what fits and names the size when not", "[memory]") {
  REQUIRE_NOTHROW(pf::ensure_heap_room(16u << 20, "a 16 MB test"));
  try {
    pf::ensure_heap_room(uint64_t{1} << 62, "a 4 EB model");
    FAIL("no error");
  } catch (const pf::Error& e) {
    CHECK(e.code() == pf::ErrorCode::kOutOfMemory);
    CHECK_THAT(e.what(), Catch::Contains("a 4 EB model needs about"));
  }
#ifdef __EMSCRIPTEN__
  // The test binary's heap may grow to 2 GB (Emscripten's default maximum).
  try {
    pf::ensure_heap_room(uint64_t{3} << 30, "a 3 GB model");
    FAIL("no error");
  } catch (const pf::Error& e) {
    CHECK(e.code() == pf::ErrorCode::kOutOfMemory);
    CHECK_THAT(e.what(), Catch::Contains("3072 MB"));
  }
  REQUIRE_NOTHROW(pf::ensure_heap_room(64u << 20, "64 MB after a refusal"));
#endif
}

TEST_CASE("loaded_weight_bytes counts the f32 copy and the packed copy", "[memory]") {
  CHECK(pf::loaded_weight_bytes(1000, 32) == 8000);
  CHECK(pf::loaded_weight_bytes(1000, 8) == 5000);
  CHECK(pf::loaded_weight_bytes(1001, 4) == 4004 + 501);
}
