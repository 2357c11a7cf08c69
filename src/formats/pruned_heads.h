// config.json's "pruned_heads": {"<layer>": [head, ...]} as Hugging Face
// writes it after model.prune_heads(). Indices are the *original* heads of
// the layer (HF maps later prunings back to them), so a layer keeps
// num_attention_heads - |pruned| heads, in their original order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace pf {

using PrunedHeads = std::map<int64_t, std::vector<int64_t>>;  // layer -> sorted unique heads

// Validates layer indices in [0, layers) and head indices in [0, heads)
// (duplicates collapse, as HF keeps a set); a missing or null field is empty.
// Throws pf::Error kBadConfig naming `file`.
PrunedHeads parse_pruned_heads(const nlohmann::json& config, const std::string& file,
                               int64_t layers, int64_t heads);

}  // namespace pf
