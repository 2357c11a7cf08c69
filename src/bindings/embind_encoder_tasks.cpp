// Embind classes for the encoder task heads: TextClassifier, TokenClassifier,
// QuestionAnswerer, FillMasker, ZeroShotClassifier. Offsets go out as byte offsets into the
// UTF-8 of the input string; the JS adapters turn them into string indices.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <string>
#include <vector>

#include "bindings/js_interop.h"
#include "tasks/feature_extraction.h"
#include "tasks/fill_mask.h"
#include "tasks/question_answering.h"
#include "tasks/text_classification.h"
#include "tasks/token_classification.h"
#include "tasks/zero_shot_classification.h"

using emscripten::val;
using pf_js::guarded;

namespace {

size_t count_option(const val& options, const char* name, size_t fallback) {
  const val v = options[name];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (!v.isNumber()) pf::fail(pf::ErrorCode::kInvalidArgument, std::string(name) + " must be a number");
  const double d = v.as<double>();
  if (!(d >= 0) || d > 1e9 || d != (double)(size_t)d) {
    pf::fail(pf::ErrorCode::kInvalidArgument, std::string(name) + " must be a whole number >= 0");
  }
  return (size_t)d;
}

template <typename T>
std::unique_ptr<T> load_task(const std::string& config_json, const val& weights,
                             const val& vocab, const std::string& dtype) {
  return pf_js::load_encoder_task<T>(config_json, weights, vocab, dtype);
}

class JsTextClassifier {
 public:
  static JsTextClassifier* load(std::string config, val weights, val vocab, std::string dtype) {
    return guarded([&] {
      return new JsTextClassifier{load_task<pf::TextClassifier>(config, weights, vocab, dtype)};
    });
  }
  // -> per text, [{label, score}] best first; top_k 0 = every label.
  val run(val texts, int top_k, std::string function) const {
    return guarded([&] {
      if (top_k < 0) pf::fail(pf::ErrorCode::kInvalidArgument, "top_k must be >= 0");
      const auto results = impl->run(pf_js::strings_from_js(texts, "texts"), (size_t)top_k,
                                     pf::parse_score_function(function));
      val out = val::array();
      for (const auto& row : results) {
        val list = val::array();
        for (const auto& s : row) {
          val item = val::object();
          item.set("label", val(s.label));
          item.set("score", val(s.score));
          list.call<void>("push", item);
        }
        out.call<void>("push", list);
      }
      return out;
    });
  }
  val labels() const { return pf_js::string_array(impl->labels()); }
  std::unique_ptr<pf::TextClassifier> impl;
};

class JsTokenClassifier {
 public:
  static JsTokenClassifier* load(std::string config, val weights, val vocab, std::string dtype) {
    return guarded([&] {
      return new JsTokenClassifier{load_task<pf::TokenClassifier>(config, weights, vocab, dtype)};
    });
  }
  // -> per text, [{entity, score, index, word, start, end}] (byte offsets;
  // index -1 for grouped entities).
  val run(val texts, std::string aggregation, val ignore_labels) const {
    return guarded([&] {
      const auto results = impl->run(pf_js::strings_from_js(texts, "texts"),
                                     pf::parse_aggregation(aggregation),
                                     pf_js::strings_from_js(ignore_labels, "ignore_labels"));
      val out = val::array();
      for (const auto& row : results) {
        val list = val::array();
        for (const auto& e : row) {
          val item = val::object();
          item.set("entity", val(e.entity));
          item.set("score", val(e.score));
          item.set("index", val(e.index));
          item.set("word", val(e.word));
          item.set("start", val(e.start));
          item.set("end", val(e.end));
          list.call<void>("push", item);
        }
        out.call<void>("push", list);
      }
      return out;
    });
  }
  val labels() const { return pf_js::string_array(impl->labels()); }
  std::unique_ptr<pf::TokenClassifier> impl;
};

class JsQuestionAnswerer {
 public:
  static JsQuestionAnswerer* load(std::string config, val weights, val vocab, std::string dtype) {
    return guarded([&] {
      return new JsQuestionAnswerer{load_task<pf::QuestionAnswerer>(config, weights, vocab, dtype)};
    });
  }
  // options: {top_k, max_answer_len, doc_stride, max_seq_len} (0 / absent =
  // default) -> [{score, start, end, answer}] (byte offsets into context).
  val run(std::string question, std::string context, val options) const {
    return guarded([&] {
      pf::QaOptions o;
      o.top_k = count_option(options, "top_k", 1);
      o.max_answer_len = count_option(options, "max_answer_len", 15);
      o.doc_stride = count_option(options, "doc_stride", 0);
      o.max_seq_len = count_option(options, "max_seq_len", 0);
      val out = val::array();
      for (const auto& a : impl->run(question, context, o)) {
        val item = val::object();
        item.set("score", val(a.score));
        item.set("start", val(a.start));
        item.set("end", val(a.end));
        item.set("answer", val(a.answer));
        out.call<void>("push", item);
      }
      return out;
    });
  }
  std::unique_ptr<pf::QuestionAnswerer> impl;
};

class JsFillMasker {
 public:
  static JsFillMasker* load(std::string config, val weights, val vocab, std::string dtype) {
    return guarded([&] {
      return new JsFillMasker{load_task<pf::FillMasker>(config, weights, vocab, dtype)};
    });
  }
  // -> per [MASK], [{score, token, token_str, sequence}] best first.
  val run(std::string text, int top_k, val targets) const {
    return guarded([&] {
      if (top_k < 1) pf::fail(pf::ErrorCode::kInvalidArgument, "top_k must be >= 1");
      const auto results = impl->run(text, (size_t)top_k, pf_js::strings_from_js(targets, "targets"));
      val out = val::array();
      for (const auto& row : results) {
        val list = val::array();
        for (const auto& p : row) {
          val item = val::object();
          item.set("score", val(p.score));
          item.set("token", val(p.token));
          item.set("token_str", val(p.token_str));
          item.set("sequence", val(p.sequence));
          list.call<void>("push", item);
        }
        out.call<void>("push", list);
      }
      return out;
    });
  }
  std::unique_ptr<pf::FillMasker> impl;
};

class JsZeroShotClassifier {
 public:
  static JsZeroShotClassifier* load(std::string config, val weights, val vocab, std::string dtype) {
    return guarded([&] {
      return new JsZeroShotClassifier{load_task<pf::ZeroShotClassifier>(config, weights, vocab, dtype)};
    });
  }
  // -> {labels, scores}, best first.
  val run(std::string text, val candidates, std::string hypothesis_template, bool multi_label) const {
    return guarded([&] {
      const pf::ZeroShotResult r = impl->run(text, pf_js::strings_from_js(candidates, "candidate_labels"),
                                             hypothesis_template, multi_label);
      val out = val::object();
      out.set("labels", pf_js::string_array(r.labels));
      val scores = val::array();
      for (float s : r.scores) scores.call<void>("push", val(s));
      out.set("scores", scores);
      return out;
    });
  }
  std::unique_ptr<pf::ZeroShotClassifier> impl;
};

}  // namespace

EMSCRIPTEN_BINDINGS(pocketformer_encoder_tasks) {
  using emscripten::allow_raw_pointers;
  emscripten::class_<JsTextClassifier>("TextClassifier")
      .class_function("load", &JsTextClassifier::load, allow_raw_pointers())
      .function("run", &JsTextClassifier::run)
      .function("labels", &JsTextClassifier::labels);
  emscripten::class_<JsTokenClassifier>("TokenClassifier")
      .class_function("load", &JsTokenClassifier::load, allow_raw_pointers())
      .function("run", &JsTokenClassifier::run)
      .function("labels", &JsTokenClassifier::labels);
  emscripten::class_<JsQuestionAnswerer>("QuestionAnswerer")
      .class_function("load", &JsQuestionAnswerer::load, allow_raw_pointers())
      .function("run", &JsQuestionAnswerer::run);
  emscripten::class_<JsFillMasker>("FillMasker")
      .class_function("load", &JsFillMasker::load, allow_raw_pointers())
      .function("run", &JsFillMasker::run);
  emscripten::class_<JsZeroShotClassifier>("ZeroShotClassifier")
      .class_function("load", &JsZeroShotClassifier::load, allow_raw_pointers())
      .function("run", &JsZeroShotClassifier::run);
}
