#include "tasks/label_config.h"

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace pf {

LabelConfig parse_label_config(const std::string& config_json, const std::string& file) {
  using nlohmann::json;
  const json cfg = json::parse(config_json, nullptr, false);
  if (cfg.is_discarded() || !cfg.is_object()) fail(ErrorCode::kBadConfig, file + ": not a JSON object");
  LabelConfig out;
  if (cfg.contains("problem_type") && cfg["problem_type"].is_string()) {
    out.problem_type = cfg["problem_type"].get<std::string>();
  }
  if (!cfg.contains("id2label") || cfg["id2label"].is_null()) return out;
  const json& map = cfg["id2label"];
  if (!map.is_object()) fail(ErrorCode::kBadConfig, file + ": id2label is not an object");
  if (map.size() > (1u << 20)) fail(ErrorCode::kBadConfig, file + ": id2label is too large");
  out.labels.assign(map.size(), std::string());
  std::vector<bool> seen(map.size(), false);
  for (auto it = map.begin(); it != map.end(); ++it) {
    size_t id = 0;
    const std::string& key = it.key();
    bool ok = !key.empty() && key.size() < 9;
    for (char c : key) ok = ok && c >= '0' && c <= '9';
    if (ok) id = (size_t)std::stoul(key);
    if (!ok || id >= map.size() || seen[id]) {
      fail(ErrorCode::kBadConfig, file + ": id2label key '" + key +
                                      "' is not one of the ids 0.." +
                                      std::to_string(map.size() - 1) + " (each once)");
    }
    if (!it.value().is_string()) {
      fail(ErrorCode::kBadConfig, file + ": id2label['" + key + "'] is not a string");
    }
    seen[id] = true;
    out.labels[id] = it.value().get<std::string>();
  }
  return out;
}

std::vector<std::string> labels_for_head(const LabelConfig& config, size_t count) {
  if (config.labels.empty()) {
    std::vector<std::string> names;
    for (size_t i = 0; i < count; ++i) names.push_back("LABEL_" + std::to_string(i));
    return names;
  }
  if (config.labels.size() != count) {
    fail(ErrorCode::kCorruptModel, "config.json id2label names " +
                                       std::to_string(config.labels.size()) +
                                       " labels but the classifier has " + std::to_string(count) +
                                       " outputs");
  }
  return config.labels;
}

}  // namespace pf
