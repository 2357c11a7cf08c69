#include "formats/safetensors.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tensor/shape_text.h"

namespace pf {

namespace {

using nlohmann::json;

// The reference implementation refuses headers above 100 MB; a header that
// large is a sign of a hostile file, and parsing it would cost real memory.
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;
// Tensors with more elements than this cannot be addressed by any model we
// load and would overflow size arithmetic downstream.
constexpr uint64_t kMaxElements = 1ull << 40;

[[noreturn]] void corrupt(const std::string& file, const std::string& what) {
  fail(ErrorCode::kCorruptModel, file + ": " + what);
}

bool parse_dtype(const std::string& text, DType* out) {
  if (text == "F32") { *out = DType::kF32; return true; }
  if (text == "F16") { *out = DType::kF16; return true; }
  if (text == "BF16") { *out = DType::kBF16; return true; }
  return false;
}

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint64_t json_uint(const json& value, const std::string& file, const std::string& what) {
  if (!value.is_number_integer() || (value.is_number_integer() && !value.is_number_unsigned() &&
                                     value.get<int64_t>() < 0)) {
    corrupt(file, what + " must be a non-negative integer");
  }
  return value.get<uint64_t>();
}

}  // namespace

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string TensorView::shape_string() const { return shape_text(shape); }

SafetensorsFile SafetensorsFile::parse(const uint8_t* bytes, size_t size,
                                       const std::string& file_name) {
  if (size < 8) {
    corrupt(file_name, "truncated: " + std::to_string(size) +
                           " bytes, shorter than the 8-byte header length");
  }
  const uint64_t header_len = read_u64_le(bytes);
  if (header_len > size - 8) {
    corrupt(file_name, "truncated: header length " + std::to_string(header_len) +
                           " exceeds the " + std::to_string(size - 8) +
                           " bytes after the length field");
  }
  if (header_len > kMaxHeaderBytes) {
    corrupt(file_name, "header length " + std::to_string(header_len) + " is over the 100 MB limit");
  }

  // nlohmann::json keeps the last of duplicate keys silently; a duplicate
  // tensor name means the file is ambiguous, so catch it while parsing.
  std::set<std::string> seen_keys;
  std::string duplicate;
  auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth == 1 && event == json::parse_event_t::key) {
      const std::string key = parsed.get<std::string>();
      if (!seen_keys.insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  const char* header_begin = reinterpret_cast<const char*>(bytes + 8);
  json header = json::parse(header_begin, header_begin + header_len, on_event, false);
  if (header.is_discarded()) corrupt(file_name, "header is not valid JSON");
  if (!duplicate.empty()) corrupt(file_name, "duplicate tensor name '" + duplicate + "' in header");
  if (!header.is_object()) corrupt(file_name, "header JSON is not an object");

  const uint8_t* data = bytes + 8 + header_len;
  const uint64_t data_size = size - 8 - header_len;

  SafetensorsFile file;
  file.file_name_ = file_name;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const json& entry = it.value();
    if (name == "__metadata__") {
      if (!entry.is_object()) corrupt(file_name, "__metadata__ is not an object");
      for (auto m = entry.begin(); m != entry.end(); ++m) {
        if (m.value().is_string()) file.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "'";
    if (!entry.is_object()) corrupt(file_name, where + " entry is not an object");
    if (!entry.contains("dtype") || !entry["dtype"].is_string()) {
      corrupt(file_name, where + " has no dtype");
    }
    if (!entry.contains("shape") || !entry["shape"].is_array()) {
      corrupt(file_name, where + " has no shape array");
    }
    if (!entry.contains("data_offsets") || !entry["data_offsets"].is_array() ||
        entry["data_offsets"].size() != 2) {
      corrupt(file_name, where + " has no [begin, end] data_offsets");
    }

    TensorView view;
    view.name = name;
    const std::string dtype_text = entry["dtype"].get<std::string>();
    if (!parse_dtype(dtype_text, &view.dtype)) {
      fail(ErrorCode::kUnsupported,
           file_name + ": " + where + " has unsupported dtype '" + dtype_text +
               "' (supported: F32, F16, BF16)");
    }
    uint64_t elements = 1;
    for (const json& dim : entry["shape"]) {
      const uint64_t d = json_uint(dim, file_name, where + " shape dimension");
      if (d != 0 && elements > kMaxElements / d) {
        corrupt(file_name, where + " shape " + entry["shape"].dump() +
                               " is too large: its element count overflows the size limit");
      }
      elements *= d;
      view.shape.push_back((int64_t)d);
    }
    const uint64_t begin = json_uint(entry["data_offsets"][0], file_name, where + " data_offsets");
    const uint64_t end = json_uint(entry["data_offsets"][1], file_name, where + " data_offsets");
    if (end < begin || end > data_size) {
      corrupt(file_name, where + " data_offsets [" + std::to_string(begin) + ", " +
                             std::to_string(end) + "] are out of bounds of the " +
                             std::to_string(data_size) +
                             "-byte data section (file truncated?)");
    }
    const uint64_t expected = elements * dtype_size(view.dtype);
    if (end - begin != expected) {
      corrupt(file_name, where + " byte size " + std::to_string(end - begin) +
                             " does not match shape " + entry["shape"].dump() + " of " +
                             dtype_text + " (" + std::to_string(expected) + " bytes)");
    }
    view.data = data + begin;
    view.nbytes = (size_t)(end - begin);
    file.tensors_.emplace(name, std::move(view));
  }

  // Tensors must not share bytes: an overlap means the offsets are forged.
  // Empty tensors (a fully pruned layer's) own no bytes, so may sit anywhere.
  std::vector<const TensorView*> by_offset;
  for (const auto& kv : file.tensors_) {
    if (kv.second.nbytes > 0) by_offset.push_back(&kv.second);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorView* a, const TensorView* b) { return a->data < b->data; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const TensorView* prev = by_offset[i - 1];
    if (prev->nbytes > 0 && by_offset[i]->data < prev->data + prev->nbytes) {
      corrupt(file_name, "tensor '" + by_offset[i]->name + "' overlaps tensor '" + prev->name +
                             "': data_offsets out of bounds of their own regions");
    }
  }
  return file;
}

const TensorView* SafetensorsFile::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

SafetensorsFile SafetensorsFile::merge(const std::vector<SafetensorsFile>& parts,
                                       const std::string& file_name) {
  SafetensorsFile out;
  out.file_name_ = file_name;
  std::map<std::string, std::string> owner;
  for (const SafetensorsFile& part : parts) {
    for (const auto& entry : part.tensors_) {
      const auto [it, fresh] = owner.emplace(entry.first, part.file_name_);
      if (!fresh) {
        fail(ErrorCode::kCorruptModel, "tensor '" + entry.first + "' is stored twice, in " +
                                           it->second + " and in " + part.file_name_);
      }
      out.tensors_.emplace(entry.first, entry.second);
    }
    for (const auto& m : part.metadata_) out.metadata_.emplace(m.first, m.second);
  }
  return out;
}

}  // namespace pf
