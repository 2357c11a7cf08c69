// Reader for the safetensors format: an 8-byte little-endian header length,
// a JSON header describing each tensor, then the raw tensor bytes.
// Parsing validates every offset and size against the buffer, so the views it
// returns can be read without further checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tensor/dtype.h"

namespace pf {

struct TensorView {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;  // points into the parsed buffer
  size_t nbytes = 0;

  int64_t numel() const;
  std::string shape_string() const;
};

class SafetensorsFile {
 public:
  // `file_name` is only used in error messages. The buffer must outlive the
  // returned object (views point into it).
  static SafetensorsFile parse(const uint8_t* bytes, size_t size,
                               const std::string& file_name = "model.safetensors");

  // The tensors of several files (the shards of one checkpoint) as one;
  // views still point into each part's buffer. A tensor stored twice is a
  // kCorruptModel error naming both files.
  static SafetensorsFile merge(const std::vector<SafetensorsFile>& parts,
                               const std::string& file_name);

  const TensorView* find(const std::string& name) const;
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& file_name() const { return file_name_; }

 private:
  std::string file_name_;
  std::map<std::string, TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace pf
