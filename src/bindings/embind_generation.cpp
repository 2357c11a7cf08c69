// JavaScript bindings for text generation (Embind): a TextGenerator class
// with a step API (start / next) so a worker can stream tokens and abort
// between them. Every C++ failure becomes a thrown JS Error with a `code`
// (the same convention as embind.cpp).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <string>
#include <vector>

#include "bindings/js_interop.h"
#include "core/error.h"
#include "tasks/feature_extraction.h"
#include "tasks/text_generation.h"

using emscripten::val;
using pf_js::bytes_from_js;
using pf_js::guarded;

namespace {


std::vector<int32_t> ids_from_js(const val& array) {
  const bool array_like = array.typeOf().as<std::string>() == "object" && !array.isNull() &&
                          (val::global("Array").call<bool>("isArray", array) ||
                           array.instanceof(val::global("Int32Array")));
  if (!array_like) {
    pf::fail(pf::ErrorCode::kInvalidArgument, "expected an array of token ids or a string");
  }
  const size_t n = array["length"].as<size_t>();
  std::vector<int32_t> ids(n);
  for (size_t i = 0; i < n; ++i) {
    const val item = array[i];
    if (!item.isNumber()) {
      pf::fail(pf::ErrorCode::kInvalidArgument, "token " + std::to_string(i) + " is not a number");
    }
    const double d = item.as<double>();
    if (d != std::floor(d) || d < -2147483648.0 || d > 2147483647.0) {
      pf::fail(pf::ErrorCode::kInvalidArgument, "token " + std::to_string(i) + " is not an int32");
    }
    ids[i] = (int32_t)d;
  }
  return ids;
}

// Reads options.<key> when present; it must then be a finite number.
bool number_option(const val& options, const char* key, double* out) {
  if (options.isUndefined() || options.isNull()) return false;
  const val v = options[key];
  if (v.isUndefined() || v.isNull()) return false;
  if (!v.isNumber() || !std::isfinite(v.as<double>())) {
    pf::fail(pf::ErrorCode::kInvalidArgument, std::string("option '") + key +
                                                  "' must be a finite number");
  }
  *out = v.as<double>();
  return true;
}

pf::GenerationOptions parse_options(const pf::TextGeneration& t, const val& options) {
  pf::GenerationOptions o = t.default_options();
  double x;
  if (number_option(options, "temperature", &x)) o.sampling.temperature = (float)x;
  if (number_option(options, "topK", &x)) {
    if (x < 0) pf::fail(pf::ErrorCode::kInvalidArgument, "option 'topK' must be >= 0");
    o.sampling.top_k = (size_t)x;
  }
  if (number_option(options, "topP", &x)) o.sampling.top_p = (float)x;
  if (number_option(options, "minP", &x)) o.sampling.min_p = (float)x;
  if (number_option(options, "repetitionPenalty", &x)) o.sampling.repetition_penalty = (float)x;
  if (number_option(options, "presencePenalty", &x)) o.sampling.presence_penalty = (float)x;
  if (number_option(options, "frequencyPenalty", &x)) o.sampling.frequency_penalty = (float)x;
  if (number_option(options, "seed", &x)) {
    if (x < 0) pf::fail(pf::ErrorCode::kInvalidArgument, "option 'seed' must be >= 0");
    o.sampling.seed = (uint64_t)x;
  }
  if (number_option(options, "maxNewTokens", &x)) {
    if (x < 0) pf::fail(pf::ErrorCode::kInvalidArgument, "option 'maxNewTokens' must be >= 0");
    o.max_new_tokens = (size_t)x;
  }
  if (!options.isUndefined() && !options.isNull() && !options["eosTokenIds"].isUndefined()) {
    o.eos_token_ids = ids_from_js(options["eosTokenIds"]);
  }
  return o;
}

class JsTextGenerator {
 public:
  // kv_dtype: "f32" (or "") / "f16", the KV cache storage.
  static JsTextGenerator* load_llama2c(val model, val tokenizer, std::string dtype,
                                       int max_context, std::string kv_dtype) {
    return guarded([&] {
      const pf::WeightFormat format = pf::parse_dtype_option(dtype);
      const std::vector<uint8_t> m = bytes_from_js(model), tok = bytes_from_js(tokenizer);
      return new JsTextGenerator(pf::TextGeneration::load_llama2c(
          m.data(), m.size(), tok.data(), tok.size(), format, max_context < 0 ? 0 : max_context,
          pf::parse_kv_dtype(kv_dtype)));
    });
  }

  // tokenizer_json: the folder's tokenizer.json text, or "" (ids only).
  static JsTextGenerator* load_hf(std::string config_json, val weights, std::string dtype,
                                  int max_context, std::string tokenizer_json,
                                  std::string kv_dtype) {
    return guarded([&] {
      const pf::WeightFormat format = pf::parse_dtype_option(dtype);
      const std::vector<uint8_t> w = bytes_from_js(weights);
      return new JsTextGenerator(pf::TextGeneration::load_hf(config_json, w.data(), w.size(),
                                                             format, max_context < 0 ? 0 : max_context,
                                                             tokenizer_json,
                                                             pf::parse_kv_dtype(kv_dtype)));
    });
  }

  // dtype "" (or "auto"): the format the file's weights suggest (int8 for
  // Q8_0, 4-bit for Q4_*, f32 for float files).
  static JsTextGenerator* load_gguf(val bytes, std::string dtype, int max_context,
                                    std::string kv_dtype) {
    return guarded([&] {
      const std::vector<uint8_t> b = bytes_from_js(bytes);
      pf::WeightFormat format = pf::WeightFormat::kF32;
      const bool automatic = dtype.empty() || dtype == "auto";
      if (!automatic) format = pf::parse_dtype_option(dtype);
      return new JsTextGenerator(pf::TextGeneration::load_gguf(
          b.data(), b.size(), automatic ? nullptr : &format, max_context < 0 ? 0 : max_context,
          pf::parse_kv_dtype(kv_dtype)));
    });
  }

  // prompt: token ids, or text (encoded with BOS; needs the tokenizer).
  void start(val prompt, val options) {
    guarded([&] {
      std::vector<int32_t> ids;
      if (prompt.isString()) {
        ids = impl_->tokenizer().encode(prompt.as<std::string>(), /*add_special=*/true);
      } else {
        ids = ids_from_js(prompt);
      }
      impl_->generator().start(ids, parse_options(*impl_, options));
      return 0;
    });
  }

  int next() {
    return guarded([&] { return impl_->generator().next(); });
  }

  std::string stop_reason() const {
    return pf::stop_reason_name(impl_->generator().stop_reason());
  }

  val tokens() const {
    return guarded([&] { return pf_js::typed_array(impl_->generator().tokens()); });
  }

  void reset() {
    guarded([&] {
      impl_->generator().reset();
      return 0;
    });
  }

  val encode(std::string text, bool add_bos) const {
    return guarded(
        [&] { return pf_js::typed_array(impl_->tokenizer().encode(text, add_bos)); });
  }

  std::string decode(val ids, bool skip_special) const {
    return guarded([&] { return impl_->tokenizer().decode(ids_from_js(ids), skip_special); });
  }

  // Bytes of one token for streaming (llama2.c semantics; a byte-fallback
  // token is a single, possibly partial UTF-8 byte: feed them to a
  // streaming TextDecoder).
  val decode_token_bytes(int prev_id, int id) const {
    return guarded([&] {
      const pf::SentencePieceTokenizer* spm = impl_->tokenizer().sentencepiece();
      if (spm == nullptr) {
        pf::fail(pf::ErrorCode::kUnsupported,
                 "token bytes are only available for SentencePiece tokenizers; decode windows");
      }
      const std::string piece = spm->decode_token(prev_id, id);
      return val(emscripten::typed_memory_view(piece.size(),
                                               reinterpret_cast<const uint8_t*>(piece.data())))
          .call<val>("slice");
    });
  }

  bool has_tokenizer() const { return impl_->has_tokenizer(); }
  // True when decodeTokenBytes works (SentencePiece); tokenizer.json models
  // stream by decoding windows of ids instead.
  bool streams_token_bytes() const {
    return impl_->has_tokenizer() && impl_->tokenizer().sentencepiece() != nullptr;
  }

  val config() const {
    const pf::DecoderConfig& c = impl_->model().config();
    val o = val::object();
    o.set("modelType", c.model_type);
    o.set("vocabSize", (double)c.vocab_size);
    o.set("hiddenSize", (double)c.dim);
    o.set("layers", (double)c.n_layers);
    o.set("heads", (double)c.n_heads);
    o.set("kvHeads", (double)c.n_kv_heads);
    o.set("maxContext", (double)c.max_context);
    o.set("bosTokenId", (double)c.bos_token_id);
    std::vector<int32_t> eos(c.eos_token_ids.begin(), c.eos_token_ids.end());
    o.set("eosTokenIds", pf_js::typed_array(eos));
    o.set("dtype", std::string(pf::weight_format_name(impl_->model().format())));
    o.set("weightBytes", (double)impl_->model().weight_bytes());
    o.set("kvCacheDtype", std::string(pf::kv_dtype_name(c.kv_dtype)));
    o.set("kvCacheBytes", (double)impl_->model().kv_cache_bytes());
    return o;
  }

 private:
  explicit JsTextGenerator(std::unique_ptr<pf::TextGeneration> impl) : impl_(std::move(impl)) {}
  std::unique_ptr<pf::TextGeneration> impl_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(pocketformer_generation) {
  emscripten::class_<JsTextGenerator>("TextGenerator")
      .class_function("loadLlama2c", &JsTextGenerator::load_llama2c,
                      emscripten::allow_raw_pointers())
      .class_function("loadHf", &JsTextGenerator::load_hf, emscripten::allow_raw_pointers())
      .class_function("loadGguf", &JsTextGenerator::load_gguf, emscripten::allow_raw_pointers())
      .function("start", &JsTextGenerator::start)
      .function("next", &JsTextGenerator::next)
      .function("stopReason", &JsTextGenerator::stop_reason)
      .function("tokens", &JsTextGenerator::tokens)
      .function("reset", &JsTextGenerator::reset)
      .function("encode", &JsTextGenerator::encode)
      .function("decode", &JsTextGenerator::decode)
      .function("decodeTokenBytes", &JsTextGenerator::decode_token_bytes)
      .function("hasTokenizer", &JsTextGenerator::has_tokenizer)
      .function("streamsTokenBytes", &JsTextGenerator::streams_token_bytes)
      .function("config", &JsTextGenerator::config);
}
