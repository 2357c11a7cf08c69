// JavaScript binding of the converter (src/convert/, the code of the
// `pocketformer convert` CLI): convertToGguf. It is linked into its own wasm
// module, pocketformer-convert-<variant>, which the package loads only when a
// page converts a model, so the runtime every page downloads carries none of
// the converter (GGUF writers, the accuracy report).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <map>
#include <string>
#include <vector>

#include "bindings/js_interop.h"
#include "convert/convert.h"
#include "convert/encoder_gguf_export.h"
#include "core/error.h"

using emscripten::val;
using pf_js::bytes_from_js;
using pf_js::guarded;

namespace {

// Strings of a JS array (undefined / null: none); `what` names it in errors.
std::vector<std::string> string_list(const val& list, const char* what) {
  std::vector<std::string> out;
  if (list.isUndefined() || list.isNull()) return out;
  if (!val::global("Array").call<bool>("isArray", list)) {
    pf::fail(pf::ErrorCode::kInvalidArgument, std::string("convertToGguf: ") + what + " must be an array");
  }
  for (size_t i = 0; i < list["length"].as<size_t>(); ++i) {
    if (!list[i].isString()) {
      pf::fail(pf::ErrorCode::kInvalidArgument, std::string("convertToGguf: ") + what + " must hold strings");
    }
    out.push_back(list[i].as<std::string>());
  }
  return out;
}

std::string text_of(const std::map<std::string, std::vector<uint8_t>>& files, const std::string& name) {
  const auto it = files.find(name);
  return it == files.end() ? std::string() : std::string(it->second.begin(), it->second.end());
}

// convertToGguf(files, dtype, keepF16, samples): files is an object mapping
// file names to Uint8Arrays: a BERT / DistilBERT folder ("config.json" +
// "model.safetensors" + "vocab.txt" or "tokenizer.json" [+
// "tokenizer_config.json"]), a Llama / Qwen2 folder ("config.json" +
// "model.safetensors" [+ "tokenizer.model", "tokenizer.json"]), or a llama2.c
// "*.bin" + its tokenizer "*.bin"; dtype "f32" | "f16" | "q8" | "q4"; keepF16
// an array of tensor-name globs; samples held-out texts for the accuracy
// report (both may be undefined). Returns { gguf: Uint8Array, report: JSON
// string, table: the readable report }.
val convert_to_gguf(val files, std::string dtype, val keep_f16, val samples) {
  return guarded([&] {
    if (files.isNull() || files.isUndefined() || files.typeOf().as<std::string>() != "object") {
      pf::fail(pf::ErrorCode::kInvalidArgument, "convertToGguf: files must be an object {name: bytes}");
    }
    std::map<std::string, std::vector<uint8_t>> named;
    const val names = val::global("Object").call<val>("keys", files);
    for (size_t i = 0; i < names["length"].as<size_t>(); ++i) {
      const std::string name = names[i].as<std::string>();
      named[name] = bytes_from_js(files[name]);
    }
    pf::ConvertOptions options;
    options.dtype = pf::parse_convert_dtype(dtype);
    options.keep_f16 = string_list(keep_f16, "keepF16");
    const std::vector<std::string> texts = string_list(samples, "samples");
    const auto config = named.find("config.json");
    pf::ConvertResult r;
    if (config != named.end() &&
        pf::is_encoder_config_json(std::string(config->second.begin(), config->second.end()))) {
      pf::EncoderConvertSource enc;
      enc.config_json = text_of(named, "config.json");
      const auto weights = named.find("model.safetensors");
      if (weights == named.end()) {
        pf::fail(pf::ErrorCode::kInvalidArgument, "convertToGguf: the encoder has no model.safetensors");
      }
      enc.safetensors = std::move(weights->second);
      enc.tokenizer.tokenizer_json = text_of(named, "tokenizer.json");
      enc.tokenizer.tokenizer_config_json = text_of(named, "tokenizer_config.json");
      enc.tokenizer.vocab_txt = text_of(named, "vocab.txt");
      if (enc.tokenizer.tokenizer_json.empty() && enc.tokenizer.vocab_txt.empty()) {
        pf::fail(pf::ErrorCode::kInvalidArgument, "convertToGguf: the encoder has no vocab.txt or tokenizer.json");
      }
      r = pf::convert_to_gguf(enc, options, texts);
    } else {
      const auto source = pf::ConvertSource::from_files(std::move(named));
      r = pf::convert_to_gguf(*source, options, texts);
    }
    val out = val::object();
    out.set("gguf", val(emscripten::typed_memory_view(r.gguf.size(), r.gguf.data())).call<val>("slice"));
    out.set("report", r.report.to_json());
    out.set("table", r.report.to_table());
    return out;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(pocketformer_convert) {
  emscripten::function("convertToGguf", &convert_to_gguf);
}
