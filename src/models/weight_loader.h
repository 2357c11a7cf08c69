// Fetches named tensors from a checkpoint, checks their shapes against what
// the config implies, and converts them to f32.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/safetensors.h"

namespace pf {

class WeightLoader {
 public:
  // `prefix` is prepended to every name ("bert." for checkpoints saved from a
  // task model, "" for a bare BertModel).
  WeightLoader(const SafetensorsFile& file, std::string prefix)
      : file_(file), prefix_(std::move(prefix)) {}

  bool has(const std::string& name) const;
  // The stored shape; throws pf::Error (kCorruptModel) when the tensor is
  // missing. For tensors whose size the weights decide (pruned layers).
  const std::vector<int64_t>& shape(const std::string& name) const;
  // Throws pf::Error naming the file and tensor when it is missing or its
  // shape differs from `shape`.
  std::vector<float> get(const std::string& name, const std::vector<int64_t>& shape) const;

 private:
  const SafetensorsFile& file_;
  std::string prefix_;
};

}  // namespace pf
