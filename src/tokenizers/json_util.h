// Small checked accessors for tokenizer.json: every missing or mistyped
// field becomes a pf::Error (kCorruptModel) naming the component.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace pf {

const nlohmann::json* json_find(const nlohmann::json& j, const char* key);  // nullptr if absent
const nlohmann::json& json_at(const nlohmann::json& j, const char* key, const std::string& ctx);
bool json_bool(const nlohmann::json& j, const char* key, bool fallback, const std::string& ctx);
std::string json_string(const nlohmann::json& j, const char* key, const std::string& ctx);
std::string json_string_or(const nlohmann::json& j, const char* key, const std::string& fallback,
                           const std::string& ctx);
int64_t json_int(const nlohmann::json& j, const char* key, int64_t fallback, const std::string& ctx);
// A base64 string field, decoded (standard alphabet, '=' padding required).
std::string json_base64(const nlohmann::json& j, const char* key, const std::string& ctx);
// The "type" field of a component object.
std::string json_type(const nlohmann::json& j, const std::string& ctx);

}  // namespace pf
