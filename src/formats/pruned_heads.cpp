#include "formats/pruned_heads.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace pf {

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& what) {
  fail(ErrorCode::kBadConfig, file + ": pruned_heads " + what);
}

// JSON object keys are strings; HF writes the layer index in decimal.
int64_t layer_index(const std::string& key, const std::string& file, int64_t layers) {
  const bool digits = !key.empty() && key.size() <= 9 &&
                      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) bad(file, "key '" + key + "' is not a layer index");
  const int64_t layer = std::strtoll(key.c_str(), nullptr, 10);
  if (layer >= layers) {
    bad(file, "names layer " + key + " but the model has " + std::to_string(layers) + " layers");
  }
  return layer;
}

}  // namespace

PrunedHeads parse_pruned_heads(const nlohmann::json& config, const std::string& file,
                               int64_t layers, int64_t heads) {
  PrunedHeads out;
  if (!config.contains("pruned_heads") || config["pruned_heads"].is_null()) return out;
  const nlohmann::json& field = config["pruned_heads"];
  if (!field.is_object()) bad(file, "is not an object of layer -> head list");
  for (const auto& [key, list] : field.items()) {
    const int64_t layer = layer_index(key, file, layers);
    if (!list.is_array()) bad(file, "entry for layer " + key + " is not a list");
    std::vector<int64_t>& pruned = out[layer];
    for (const nlohmann::json& h : list) {
      if (!h.is_number_integer() || h.get<int64_t>() < 0 || h.get<int64_t>() >= heads) {
        bad(file, "entry for layer " + key + " holds " + h.dump() + ", not a head index in [0, " +
                      std::to_string(heads) + ")");
      }
      pruned.push_back(h.get<int64_t>());
    }
    std::sort(pruned.begin(), pruned.end());
    pruned.erase(std::unique(pruned.begin(), pruned.end()), pruned.end());
  }
  return out;
}

}  // namespace pf
