// What every Embind file shares: turning C++ failures into JS Errors with a
// `code`, moving typed arrays across the boundary with one bulk copy, and
// reading JS arrays of strings. One header, so each helper has exactly one
// definition (inline functions must not differ between files).
// Header-only so each bindings file stays independent (CMake globs them).
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "core/error.h"
#include "formats/safetensors_index.h"
#include "tasks/encoder_tokenizer.h"
#include "tasks/feature_extraction.h"
#include "tasks/gguf_encoder_checkpoint.h"

namespace pf_js {

using emscripten::val;

[[noreturn]] inline void throw_js_error(const std::string& code, const std::string& message) {
  val error = val::global("Error").new_(val(message));
  error.set("code", val(code));
  error.throw_();
}

// Runs `body`, converting C++ exceptions to a JS Error. The message is copied
// out of the catch block so no C++ exception object is alive while the JS
// exception unwinds through wasm frames.
template <typename Body>
auto guarded(Body body) -> decltype(body()) {
  std::string code, message;
  try {
    return body();
  } catch (const pf::Error& e) {
    code = pf::error_code_name(e.code());
    message = e.what();
  } catch (const std::bad_alloc&) {
    code = "OUT_OF_MEMORY";
    message = "out of wasm memory";
  } catch (const std::exception& e) {
    code = "INTERNAL";
    message = e.what();
  }
  throw_js_error(code, message);
}

// A Uint8Array (or null/undefined: empty) copied into the wasm heap.
inline std::vector<uint8_t> bytes_from_js(const val& array) {
  if (array.isNull() || array.isUndefined()) return {};
  const size_t length = array["length"].as<size_t>();
  std::vector<uint8_t> bytes(length);
  val(emscripten::typed_memory_view(length, bytes.data())).call<void>("set", array);
  return bytes;
}

// Copies out of the wasm heap (a view would be invalidated by heap growth).
template <typename T>
val typed_array(const std::vector<T>& data) {
  return val(emscripten::typed_memory_view(data.size(), data.data())).call<val>("slice");
}

// A JS array of strings (`what` names it in the error).
inline std::vector<std::string> strings_from_js(const val& list, const std::string& what) {
  if (!list.isArray()) pf::fail(pf::ErrorCode::kInvalidArgument, what + " must be an array of strings");
  std::vector<std::string> out;
  const size_t n = list["length"].as<size_t>();
  for (size_t i = 0; i < n; ++i) {
    val item = list[i];
    if (!item.isString()) {
      pf::fail(pf::ErrorCode::kInvalidArgument, what + " item " + std::to_string(i) + " is not a string");
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

// A non-null JS object (arrays and typed arrays included).
inline bool is_object(const val& v) { return !v.isNull() && v.typeOf().as<std::string>() == "object"; }

// Model weights: one Uint8Array (model.safetensors) or an array of
// {name, bytes} (the shards of a sharded checkpoint). The bytes are copied
// into `storage`, which must outlive the returned views.
inline std::vector<pf::WeightShard> weight_shards_from_js(const val& v,
                                                         std::vector<std::vector<uint8_t>>* storage) {
  std::vector<pf::WeightShard> shards;
  if (!v.isArray()) {
    storage->push_back(bytes_from_js(v));
    shards.push_back({"model.safetensors", storage->back().data(), storage->back().size()});
    return shards;
  }
  const size_t n = v["length"].as<size_t>();
  storage->reserve(n);  // no reallocation: views point into the elements
  for (size_t i = 0; i < n; ++i) {
    const val item = v[i];
    if (!is_object(item) || !item["name"].isString()) {
      pf::fail(pf::ErrorCode::kInvalidArgument, "weight shard " + std::to_string(i) + " must be {name, bytes}");
    }
    storage->push_back(bytes_from_js(item["bytes"]));
    shards.push_back({item["name"].as<std::string>(), storage->back().data(), storage->back().size()});
  }
  return shards;
}

// An encoder's tokenizer files: a vocab.txt string, or an object
// {vocab?, tokenizerJson?, tokenizerConfig?} of strings (tokenizer.json wins).
inline pf::TokenizerFiles tokenizer_files_from_js(const val& v) {
  if (v.isString()) return pf::TokenizerFiles(v.as<std::string>());
  if (!is_object(v)) {
    pf::fail(pf::ErrorCode::kInvalidArgument,
             "tokenizer files must be a vocab.txt string or an object of strings");
  }
  pf::TokenizerFiles files;
  const auto field = [&](const char* name, std::string* out) {
    const val f = v[name];
    if (f.isUndefined() || f.isNull()) return;
    if (!f.isString()) pf::fail(pf::ErrorCode::kInvalidArgument, std::string(name) + " must be a string");
    *out = f.as<std::string>();
  };
  field("vocab", &files.vocab_txt);
  field("tokenizerJson", &files.tokenizer_json);
  field("tokenizerConfig", &files.tokenizer_config_json);
  return files;
}

inline val string_array(const std::vector<std::string>& items) {
  val out = val::array();
  for (const std::string& s : items) out.call<void>("push", val(s));
  return out;
}

// Loads an encoder task class T (static load(config, shards, tokenizer,
// format)) from what JS sent: config.json text, weights, tokenizer files; or,
// with config "" and the weights one GGUF file, a GGUF encoder (its config,
// tensors and vocab come from the file; dtype "auto" keeps its precision).
template <typename T>
std::unique_ptr<T> load_encoder_task(const std::string& config_json, const val& weights,
                                     const val& vocab, const std::string& dtype) {
  std::vector<std::vector<uint8_t>> storage;
  const auto shards = weight_shards_from_js(weights, &storage);
  if (config_json.empty() && shards.size() == 1 && pf::is_gguf_bytes(shards[0].data, shards[0].size)) {
    const pf::EncoderCheckpoint ck =
        pf::encoder_checkpoint_from_gguf(shards[0].data, shards[0].size, "model.gguf");
    std::vector<std::vector<uint8_t>>().swap(storage);  // the GGUF copy is no longer needed
    return T::load(ck.config_json,
                   {pf::WeightShard{"model.safetensors", ck.safetensors.data(), ck.safetensors.size()}},
                   ck.tokenizer, pf::gguf_encoder_format(ck, dtype));
  }
  return T::load(config_json, shards, tokenizer_files_from_js(vocab), pf::parse_dtype_option(dtype));
}

}  // namespace pf_js
