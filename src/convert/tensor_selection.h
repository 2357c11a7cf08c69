// Copies of safetensors tensors, whole or with some rows / columns, in
// their stored dtype (bytes copied, never converted): how structured
// pruning removes heads and neurons while the kept values stay bit-identical.
#pragma once

#include <cstdint>
#include <vector>

#include "formats/safetensors.h"
#include "formats/safetensors_writer.h"

namespace pf {

SafetensorsEntry copy_of(const TensorView& t);

// Rows `rows` of a [R, C] tensor (or elements of a 1-D one), in that order.
SafetensorsEntry select_rows(const TensorView& t, const std::vector<int64_t>& rows);

// Columns `cols` of a [R, C] tensor, in that order.
SafetensorsEntry select_columns(const TensorView& t, const std::vector<int64_t>& cols);

}  // namespace pf
