#include "formats/safetensors_index.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace pf {

namespace {

constexpr const char* kIndex = "model.safetensors.index.json";

bool plain_shard_name(const std::string& name) {
  const std::string ext = ".safetensors";
  return name.size() > ext.size() && name.size() < 256 &&
         name.compare(name.size() - ext.size(), ext.size(), ext) == 0 &&
         name.find_first_of("/\\") == std::string::npos && name[0] != '.';
}

}  // namespace

std::vector<std::string> shard_file_names(const std::string& index_json) {
  const nlohmann::json doc = nlohmann::json::parse(index_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    fail(ErrorCode::kCorruptModel, std::string(kIndex) + ": not a JSON object");
  }
  if (!doc.contains("weight_map") || !doc["weight_map"].is_object() || doc["weight_map"].empty()) {
    fail(ErrorCode::kCorruptModel, std::string(kIndex) + ": no \"weight_map\" object of tensor -> file");
  }
  std::vector<std::string> files;
  for (const auto& entry : doc["weight_map"].items()) {
    if (!entry.value().is_string()) {
      fail(ErrorCode::kCorruptModel,
           std::string(kIndex) + ": weight_map['" + entry.key() + "'] is not a file name");
    }
    const std::string file = entry.value().get<std::string>();
    if (!plain_shard_name(file)) {
      fail(ErrorCode::kCorruptModel, std::string(kIndex) + ": shard name '" + file +
                                         "' is not a plain *.safetensors file name");
    }
    if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
  }
  return files;
}

SafetensorsFile merge_shards(const std::vector<WeightShard>& shards) {
  if (shards.empty()) fail(ErrorCode::kInvalidArgument, "no model weights given");
  if (shards.size() == 1) return SafetensorsFile::parse(shards[0].data, shards[0].size, shards[0].name);
  std::vector<SafetensorsFile> parts;
  parts.reserve(shards.size());
  for (const WeightShard& s : shards) parts.push_back(SafetensorsFile::parse(s.data, s.size, s.name));
  return SafetensorsFile::merge(parts, shards[0].name + " (+" + std::to_string(shards.size() - 1) +
                                           " shards)");
}

}  // namespace pf
