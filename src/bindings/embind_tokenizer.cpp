// JavaScript bindings for the tokenizer.json pipeline (Embind):
//   Tokenizer.fromJson(tokenizerJson, tokenizerConfigJson?) -> Tokenizer
//   Tokenizer.fromVocabTxt(vocabTxt, lowercase) / Tokenizer.fromBpeFiles(vocabJson, mergesTxt)
//   tok.encode(text, pair | null, options?) -> {ids, typeIds, attentionMask,
//       specialTokensMask, offsets, sequenceIds}
//   tok.encodeBatch(texts, pairs | null, options?) -> [encoding, ...]
//   tok.decode(ids, skipSpecialTokens) -> string
//   tok.tokenToId(token) -> id or -1; tok.idToToken(id) -> token or "";
//   tok.vocabSize() -> number
// Typed arrays: Int32Array for ids / masks / type ids / sequence ids; offsets
// is a Uint32Array [begin0, end0, begin1, end1, ...] in UTF-16 code units of
// the JS string (what String.prototype.slice takes). Options (all optional):
// addSpecialTokens, maxLength, truncation ('longest_first' | 'only_first' |
// 'only_second'), truncationSide ('right' | 'left'), stride, padding (false |
// 'longest' | 'max_length' | true = 'longest'), padLength, padToMultipleOf,
// returnOverflowing (then truncated encodings carry `overflowing`: the other
// windows, stride tokens overlapping, as encodings of the same shape),
// paddingSide, padId, padTypeId, padToken. Errors are thrown as JS Errors
// with a `code` (CORRUPT_MODEL, UNSUPPORTED, INVALID_ARGUMENT, ...).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <new>
#include <string>
#include <vector>

#include "bindings/js_interop.h"
#include "core/error.h"
#include "tokenizers/tokenizer.h"

using emscripten::val;

namespace {


// A JS string as UTF-8 through TextEncoder, which also turns lone
// surrogates into U+FFFD (Emscripten's own string conversion would pair them
// with the next unit, and is several times slower on a shared heap). The
// bytes land in the wasm heap with one bulk copy.
std::string js_string(const val& s, const char* what) {
  if (!s.isString()) pf::fail(pf::ErrorCode::kInvalidArgument, std::string(what) + " is not a string");
  static const val encoder = val::global("TextEncoder").new_();
  const val bytes = encoder.call<val>("encode", s);
  const size_t n = bytes["length"].as<size_t>();
  std::string out(n, '\0');
  if (n > 0) {
    val(emscripten::typed_memory_view(n, reinterpret_cast<uint8_t*>(&out[0]))).call<void>("set", bytes);
  }
  return out;
}

template <typename T>
val typed_array(const std::vector<T>& v) {
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

// UTF-8 byte offset -> UTF-16 code-unit offset, for every byte boundary.
std::vector<uint32_t> utf16_positions(const std::string& s) {
  std::vector<uint32_t> pos(s.size() + 1);
  uint32_t units = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    pos[i] = units;
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
  }
  pos[s.size()] = units;
  return pos;
}

bool opt_bool(const val& o, const char* key, bool fallback) {
  val v = o[key];
  return v.isUndefined() || v.isNull() ? fallback : v.as<bool>();
}

double opt_number(const val& o, const char* key, double fallback) {
  val v = o[key];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (!v.isNumber()) pf::fail(pf::ErrorCode::kInvalidArgument, std::string("option ") + key + " is not a number");
  const double d = v.as<double>();
  if (!(d >= 0 && d <= 2147483647.0)) pf::fail(pf::ErrorCode::kInvalidArgument, std::string("option ") + key + " is out of range");
  return d;
}

std::string opt_string(const val& o, const char* key, const std::string& fallback) {
  val v = o[key];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (!v.isString()) pf::fail(pf::ErrorCode::kInvalidArgument, std::string("option ") + key + " is not a string");
  return v.as<std::string>();
}

pf::EncodeOptions parse_options(const pf::Tokenizer& tok, const val& o) {
  pf::EncodeOptions opts = tok.default_options();
  if (o.isUndefined() || o.isNull()) return opts;
  opts.add_special_tokens = opt_bool(o, "addSpecialTokens", opts.add_special_tokens);
  opts.max_length = (size_t)opt_number(o, "maxLength", (double)opts.max_length);
  opts.stride = (size_t)opt_number(o, "stride", (double)opts.stride);
  opts.return_overflowing = opt_bool(o, "returnOverflowing", opts.return_overflowing);
  const std::string trunc = opt_string(o, "truncation", "");
  if (trunc == "longest_first") opts.truncation = pf::EncodeOptions::Truncation::kLongestFirst;
  else if (trunc == "only_first") opts.truncation = pf::EncodeOptions::Truncation::kOnlyFirst;
  else if (trunc == "only_second") opts.truncation = pf::EncodeOptions::Truncation::kOnlySecond;
  else if (!trunc.empty()) pf::fail(pf::ErrorCode::kInvalidArgument, "unknown truncation '" + trunc + "'");
  opts.truncate_left = opt_string(o, "truncationSide", opts.truncate_left ? "left" : "right") == "left";
  val padding = o["padding"];
  if (padding.isString()) {
    const std::string p = padding.as<std::string>();
    if (p == "longest") opts.padding = pf::EncodeOptions::Padding::kLongest;
    else if (p == "max_length") opts.padding = pf::EncodeOptions::Padding::kMaxLength;
    else if (p == "do_not_pad") opts.padding = pf::EncodeOptions::Padding::kNone;
    else pf::fail(pf::ErrorCode::kInvalidArgument, "unknown padding '" + p + "'");
  } else if (padding.isTrue()) {
    opts.padding = pf::EncodeOptions::Padding::kLongest;
  } else if (padding.isFalse()) {
    opts.padding = pf::EncodeOptions::Padding::kNone;
  }
  opts.pad_length = (size_t)opt_number(o, "padLength", (double)opts.pad_length);
  opts.pad_to_multiple_of = (size_t)opt_number(o, "padToMultipleOf", (double)opts.pad_to_multiple_of);
  opts.pad_left = opt_string(o, "paddingSide", opts.pad_left ? "left" : "right") == "left";
  opts.pad_id = (int32_t)opt_number(o, "padId", (double)opts.pad_id);
  opts.pad_type_id = (int32_t)opt_number(o, "padTypeId", (double)opts.pad_type_id);
  opts.pad_token = opt_string(o, "padToken", opts.pad_token);
  return opts;
}

val encoding_to_js(const pf::Encoding& e, const std::string& text, const std::string* pair) {
  const std::vector<uint32_t> map_a = utf16_positions(text);
  const std::vector<uint32_t> map_b = pair ? utf16_positions(*pair) : std::vector<uint32_t>{0};
  std::vector<uint32_t> offsets(e.size() * 2);
  for (size_t i = 0; i < e.size(); ++i) {
    const std::vector<uint32_t>& m = e.sequence_ids[i] == 1 ? map_b : map_a;
    const size_t last = m.size() - 1;
    offsets[2 * i] = e.sequence_ids[i] < 0 ? 0 : m[std::min<size_t>(e.offsets[i].begin, last)];
    offsets[2 * i + 1] = e.sequence_ids[i] < 0 ? 0 : m[std::min<size_t>(e.offsets[i].end, last)];
  }
  val out = val::object();
  out.set("ids", typed_array(e.ids));
  out.set("typeIds", typed_array(e.type_ids));
  out.set("attentionMask", typed_array(e.attention_mask));
  out.set("specialTokensMask", typed_array(e.special_tokens_mask));
  out.set("sequenceIds", typed_array(e.sequence_ids));
  out.set("wordIds", typed_array(e.word_ids));
  out.set("offsets", typed_array(offsets));
  if (!e.overflowing.empty()) {
    val windows = val::array();
    for (const pf::Encoding& w : e.overflowing) windows.call<void>("push", encoding_to_js(w, text, pair));
    out.set("overflowing", windows);
  }
  return out;
}

class JsTokenizer {
 public:
  static JsTokenizer* from_json(val json, val config) {
    return pf_js::guarded([&] {
      const std::string cfg = (config.isUndefined() || config.isNull()) ? std::string() : js_string(config, "tokenizer_config");
      return new JsTokenizer(pf::Tokenizer::from_json(js_string(json, "tokenizer.json"), cfg));
    });
  }
  static JsTokenizer* from_json1(val json) { return from_json(std::move(json), val::undefined()); }
  static JsTokenizer* from_vocab_txt(val vocab, bool lowercase) {
    return pf_js::guarded([&] { return new JsTokenizer(pf::Tokenizer::from_vocab_txt(js_string(vocab, "vocab.txt"), lowercase)); });
  }
  static JsTokenizer* from_bpe_files(val vocab, val merges) {
    return pf_js::guarded([&] {
      return new JsTokenizer(pf::Tokenizer::from_bpe_files(js_string(vocab, "vocab.json"), js_string(merges, "merges.txt")));
    });
  }

  val encode(val text, val pair, val options) const {
    return pf_js::guarded([&] {
      const std::string a = js_string(text, "text");
      const pf::EncodeOptions opts = parse_options(tok_, options);
      if (pair.isUndefined() || pair.isNull()) return encoding_to_js(tok_.encode(a, nullptr, opts), a, nullptr);
      const std::string b = js_string(pair, "pair");
      const std::string_view bv = b;
      return encoding_to_js(tok_.encode(a, &bv, opts), a, &b);
    });
  }
  val encode2(val text, val pair) const { return encode(std::move(text), std::move(pair), val::undefined()); }
  val encode1(val text) const { return encode(std::move(text), val::null(), val::undefined()); }

  val encode_batch(val texts, val pairs, val options) const {
    return pf_js::guarded([&] {
      std::vector<std::string> a, b;
      const size_t n = texts["length"].as<size_t>();
      const bool has_pairs = !(pairs.isUndefined() || pairs.isNull());
      if (has_pairs && pairs["length"].as<size_t>() != n) {
        pf::fail(pf::ErrorCode::kInvalidArgument, "encodeBatch: texts and pairs differ in length");
      }
      for (size_t i = 0; i < n; ++i) {
        a.push_back(js_string(texts[i], "text"));
        if (has_pairs) b.push_back(js_string(pairs[i], "pair"));
      }
      const auto encodings = tok_.encode_batch(a, has_pairs ? &b : nullptr, parse_options(tok_, options));
      val out = val::array();
      for (size_t i = 0; i < n; ++i) {
        out.call<void>("push", encoding_to_js(encodings[i], a[i], has_pairs ? &b[i] : nullptr));
      }
      return out;
    });
  }

  std::string decode(val ids, bool skip_special) const {
    return pf_js::guarded([&] {
      const size_t n = ids["length"].as<size_t>();
      std::vector<int32_t> v(n);
      for (size_t i = 0; i < n; ++i) {
        const double d = ids[i].as<double>();
        v[i] = (d >= -2147483648.0 && d <= 2147483647.0) ? (int32_t)d : -1;
      }
      return tok_.decode(v, skip_special);
    });
  }

  int token_to_id(val token) const {
    return pf_js::guarded([&] { return (int)tok_.token_to_id(js_string(token, "token")); });
  }
  std::string id_to_token(int id) const { return tok_.id_to_token(id); }
  int vocab_size() const { return (int)tok_.vocab_size(); }

 private:
  explicit JsTokenizer(pf::Tokenizer tok) : tok_(std::move(tok)) {}
  pf::Tokenizer tok_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(pocketformer_tokenizer) {
  emscripten::class_<JsTokenizer>("Tokenizer")
      .class_function("fromJson", &JsTokenizer::from_json, emscripten::allow_raw_pointers())
      .class_function("fromJson", &JsTokenizer::from_json1, emscripten::allow_raw_pointers())
      .class_function("fromVocabTxt", &JsTokenizer::from_vocab_txt, emscripten::allow_raw_pointers())
      .class_function("fromBpeFiles", &JsTokenizer::from_bpe_files, emscripten::allow_raw_pointers())
      .function("encode", &JsTokenizer::encode)
      .function("encode", &JsTokenizer::encode2)
      .function("encode", &JsTokenizer::encode1)
      .function("encodeBatch", &JsTokenizer::encode_batch)
      .function("decode", &JsTokenizer::decode)
      .function("tokenToId", &JsTokenizer::token_to_id)
      .function("idToToken", &JsTokenizer::id_to_token)
      .function("vocabSize", &JsTokenizer::vocab_size);
}
