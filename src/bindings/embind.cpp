// JavaScript bindings (Embind). The only place that knows about JS: converts
// typed arrays and strings in, typed arrays out, and turns every C++ failure
// into a thrown JS Error carrying a `code`, so the module stays usable.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <new>
#include <string>
#include <vector>

#include "core/error.h"
#include "kernels/runtime.h"
#include "tasks/feature_extraction.h"

using emscripten::val;

namespace {

[[noreturn]] void throw_js_error(const std::string& code, const std::string& message) {
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

std::vector<uint8_t> bytes_from_js(const val& array) {
  const size_t length = array["length"].as<size_t>();
  std::vector<uint8_t> bytes(length);
  // One bulk copy into the wasm heap through a view of the vector.
  val(emscripten::typed_memory_view(length, bytes.data())).call<void>("set", array);
  return bytes;
}

val float_array(const std::vector<float>& data) {
  return val(emscripten::typed_memory_view(data.size(), data.data())).call<val>("slice");
}

class JsFeatureExtractor {
 public:
  static JsFeatureExtractor* load(std::string config_json, val weights, std::string vocab,
                                  std::string dtype) {
    return guarded([&] {
      const pf::WeightFormat format = pf::parse_dtype_option(dtype);
      std::vector<uint8_t> bytes = bytes_from_js(weights);
      auto impl =
          pf::FeatureExtractor::load(config_json, bytes.data(), bytes.size(), vocab, format);
      return new JsFeatureExtractor(std::move(impl));
    });
  }

  static JsFeatureExtractor* load_f32(std::string config_json, val weights, std::string vocab) {
    return load(std::move(config_json), std::move(weights), std::move(vocab), "f32");
  }

  val run(val texts, std::string pooling, bool normalize) const {
    return guarded([&] {
      std::vector<std::string> items;
      const size_t n = texts["length"].as<size_t>();
      for (size_t i = 0; i < n; ++i) {
        val item = texts[i];
        if (!item.isString()) {
          pf::fail(pf::ErrorCode::kInvalidArgument, "input " + std::to_string(i) + " is not a string");
        }
        items.push_back(item.as<std::string>());
      }
      const pf::FeatureOutput out = impl_->run(items, pf::parse_pooling(pooling), normalize);
      val result = val::object();
      result.set("data", float_array(out.data));
      val dims = val::array();
      for (size_t d : out.dims) dims.call<void>("push", val((double)d));
      result.set("dims", dims);
      return result;
    });
  }

  val tokenize(std::string text) const {
    return guarded([&] {
      const auto ids = impl_->tokenizer().encode(
          text, (size_t)impl_->model().config().max_position_embeddings);
      return val(emscripten::typed_memory_view(ids.size(), ids.data())).call<val>("slice");
    });
  }

  int hidden_size() const { return (int)impl_->model().config().hidden_size; }
  int max_length() const { return (int)impl_->model().config().max_position_embeddings; }

 private:
  explicit JsFeatureExtractor(std::unique_ptr<pf::FeatureExtractor> impl)
      : impl_(std::move(impl)) {}
  std::unique_ptr<pf::FeatureExtractor> impl_;
};

int set_num_threads(int threads) {
  return (int)pf::set_num_threads(threads < 0 ? 0 : (size_t)threads);
}
int num_threads() { return (int)pf::num_threads(); }
std::string version() { return POCKETFORMER_VERSION; }

}  // namespace

EMSCRIPTEN_BINDINGS(pocketformer) {
  emscripten::function("setNumThreads", &set_num_threads);
  emscripten::function("numThreads", &num_threads);
  emscripten::function("version", &version);
  emscripten::class_<JsFeatureExtractor>("FeatureExtractor")
      .class_function("load", &JsFeatureExtractor::load, emscripten::allow_raw_pointers())
      .class_function("load", &JsFeatureExtractor::load_f32, emscripten::allow_raw_pointers())
      .function("run", &JsFeatureExtractor::run)
      .function("tokenize", &JsFeatureExtractor::tokenize)
      .function("hiddenSize", &JsFeatureExtractor::hidden_size)
      .function("maxLength", &JsFeatureExtractor::max_length);
}
