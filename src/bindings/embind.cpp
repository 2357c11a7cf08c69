// JavaScript bindings (Embind). The only place that knows about JS: converts
// typed arrays and strings in, typed arrays out, and turns every C++ failure
// into a thrown JS Error carrying a `code`, so the module stays usable.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "bindings/js_interop.h"
#include "core/error.h"
#include "tasks/feature_extraction.h"

using emscripten::val;
using pf_js::guarded;

namespace {

class JsFeatureExtractor {
 public:
  static JsFeatureExtractor* load(std::string config_json, val weights, val vocab,
                                  std::string dtype) {
    return guarded([&] {
      return new JsFeatureExtractor(
          pf_js::load_encoder_task<pf::FeatureExtractor>(config_json, weights, vocab, dtype));
    });
  }

  static JsFeatureExtractor* load_f32(std::string config_json, val weights, val vocab) {
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
      result.set("data", pf_js::typed_array(out.data));
      val dims = val::array();
      for (size_t d : out.dims) dims.call<void>("push", val((double)d));
      result.set("dims", dims);
      return result;
    });
  }

  val tokenize(std::string text) const {
    return guarded([&] {
      const auto ids = impl_->tokenizer().encode(
          text, (size_t)impl_->model().config().max_length());
      return pf_js::typed_array(ids);
    });
  }

  int hidden_size() const { return (int)impl_->model().config().hidden_size; }
  int max_length() const { return (int)impl_->model().config().max_length(); }

 private:
  explicit JsFeatureExtractor(std::unique_ptr<pf::FeatureExtractor> impl)
      : impl_(std::move(impl)) {}
  std::unique_ptr<pf::FeatureExtractor> impl_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(pocketformer) {
  emscripten::class_<JsFeatureExtractor>("FeatureExtractor")
      .class_function("load", &JsFeatureExtractor::load, emscripten::allow_raw_pointers())
      .class_function("load", &JsFeatureExtractor::load_f32, emscripten::allow_raw_pointers())
      .function("run", &JsFeatureExtractor::run)
      .function("tokenize", &JsFeatureExtractor::tokenize)
      .function("hiddenSize", &JsFeatureExtractor::hidden_size)
      .function("maxLength", &JsFeatureExtractor::max_length);
}
