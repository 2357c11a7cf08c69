#include "tokenizers/json_util.h"

#include "core/error.h"

namespace pf {

using nlohmann::json;

const json* json_find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const json& json_at(const json& j, const char* key, const std::string& ctx) {
  const json* v = json_find(j, key);
  if (!v) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + " has no '" + key + "'");
  return *v;
}

bool json_bool(const json& j, const char* key, bool fallback, const std::string& ctx) {
  const json* v = json_find(j, key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_boolean()) {
    fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + "." + key + " is not a boolean");
  }
  return v->get<bool>();
}

std::string json_string(const json& j, const char* key, const std::string& ctx) {
  const json& v = json_at(j, key, ctx);
  if (!v.is_string()) {
    fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + "." + key + " is not a string");
  }
  return v.get<std::string>();
}

std::string json_string_or(const json& j, const char* key, const std::string& fallback,
                           const std::string& ctx) {
  const json* v = json_find(j, key);
  if (!v || v->is_null()) return fallback;
  return json_string(j, key, ctx);
}

int64_t json_int(const json& j, const char* key, int64_t fallback, const std::string& ctx) {
  const json* v = json_find(j, key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_number_integer()) {
    fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + "." + key + " is not an integer");
  }
  return v->get<int64_t>();
}

std::string json_base64(const json& j, const char* key, const std::string& ctx) {
  const std::string text = json_string(j, key, ctx);
  const auto bad = [&] {
    fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + "." + key + " is not valid base64");
  };
  const auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '=' && text.size() - end < 2) --end;
  if (text.size() % 4 != 0 || end % 4 == 1) bad();
  std::string out;
  out.reserve(end / 4 * 3 + 2);
  uint32_t bits = 0;
  int nbits = 0;
  for (size_t i = 0; i < end; ++i) {
    const int v = sextet(text[i]);
    if (v < 0) bad();
    bits = (bits << 6) | (uint32_t)v;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back((char)((bits >> nbits) & 0xFF));
    }
  }
  return out;
}

std::string json_type(const json& j, const std::string& ctx) {
  if (!j.is_object()) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + " is not an object");
  return json_string(j, "type", ctx);
}

}  // namespace pf
