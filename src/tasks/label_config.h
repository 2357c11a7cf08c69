// The classification settings of a task checkpoint's config.json: label
// names (id2label) and problem_type.
#pragma once

#include <string>
#include <vector>

namespace pf {

struct LabelConfig {
  std::vector<std::string> labels;  // by id; empty when config.json has no id2label
  std::string problem_type;         // "" | "single_label_classification" | "multi_label_classification" | ...
};

// Throws pf::Error (kBadConfig) when id2label is not an object of "0".."n-1"
// -> string.
LabelConfig parse_label_config(const std::string& config_json,
                               const std::string& file_name = "config.json");

// The labels for a head with `count` outputs: id2label's names, or
// "LABEL_<i>" (transformers' default) when config.json has none. Throws
// kCorruptModel when id2label names a different number of labels.
std::vector<std::string> labels_for_head(const LabelConfig& config, size_t count);

}  // namespace pf
