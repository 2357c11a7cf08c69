// Sharded checkpoints: model.safetensors.index.json ({"weight_map": {tensor:
// file}}) lists the shard files; the shards parse one by one and merge into
// one SafetensorsFile view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/safetensors.h"

namespace pf {

// One file of a checkpoint, in memory (the bytes outlive what parses them).
struct WeightShard {
  std::string name;  // "model.safetensors", "model-00001-of-00002.safetensors"
  const uint8_t* data = nullptr;
  size_t size = 0;
};

// The distinct shard file names of an index, in first-seen order. Throws
// kCorruptModel for a malformed index or a name that is not a plain file
// name ending in .safetensors (no directories: the names become URLs).
std::vector<std::string> shard_file_names(const std::string& index_json);

// Parses every shard and merges them (a tensor in two shards is an error).
SafetensorsFile merge_shards(const std::vector<WeightShard>& shards);

}  // namespace pf
