// Fills a decoder PruneReport (convert/prune_report.h): both checkpoints
// loaded in f32 through the normal HF path, sizes, parameters and per-layer
// widths, then the `convert` report's position-by-position logit comparison
// and decode speed (convert/decoder_comparison.h) over `inputs`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/prune_report.h"

namespace pf {

void measure_decoder_pruning(const std::string& config_before,
                             const std::vector<uint8_t>& weights_before,
                             const std::string& config_after,
                             const std::vector<uint8_t>& weights_after,
                             const std::vector<std::vector<int32_t>>& inputs, PruneReport* report);

}  // namespace pf
