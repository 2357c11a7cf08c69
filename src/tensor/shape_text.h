// "[d0, d1, ...]" for error messages about tensor shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pf {

// Built with std::to_string rather than an ostringstream, which would link
// libc++'s locale and iostream machinery into the wasm module for this alone.
std::string shape_text(const std::vector<int64_t>& dims);

}  // namespace pf
