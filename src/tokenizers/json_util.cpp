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

std::string json_type(const json& j, const std::string& ctx) {
  if (!j.is_object()) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + " is not an object");
  return json_string(j, "type", ctx);
}

}  // namespace pf
