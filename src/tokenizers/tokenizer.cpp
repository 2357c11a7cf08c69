#include "tokenizers/tokenizer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/bpe.h"
#include "tokenizers/decoders.h"
#include "tokenizers/encode_words.h"
#include "tokenizers/json_util.h"
#include "tokenizers/normalized_string.h"
#include "tokenizers/normalizers.h"
#include "tokenizers/post_processors.h"
#include "tokenizers/pre_tokenizers.h"
#include "tokenizers/unigram.h"
#include "tokenizers/utf8_text.h"
#include "tokenizers/wordpiece_model.h"

namespace pf {

using nlohmann::json;

struct Tokenizer::Section {
  NormalizedString text;
  int64_t added = -1;  // index into added_, or -1 for ordinary text
};

namespace {

std::unique_ptr<TokenizerModel> make_model(const json& j) {
  if (!j.is_object()) fail(ErrorCode::kCorruptModel, "tokenizer.json: 'model' is not an object");
  std::string type = json_string_or(j, "type", "", "model");
  if (type.empty()) {  // files written before "type" was serialized
    if (json_find(j, "merges")) type = "BPE";
    else if (json_find(j, "max_input_chars_per_word")) type = "WordPiece";
    else if (const json* v = json_find(j, "vocab"); v && v->is_array()) type = "Unigram";
  }
  if (type == "BPE") return BpeModel::from_json(j);
  if (type == "WordPiece") return WordPieceModel::from_json(j);
  if (type == "Unigram") return UnigramModel::from_json(j);
  if (type == "WordLevel") {
    fail(ErrorCode::kUnsupported, "tokenizer.json: model type '" + type + "' is not supported by this loader");
  }
  fail(ErrorCode::kUnsupported, "tokenizer.json: unknown model type '" + type + "'");
}

bool is_word_char(int32_t cp) { return utf8::is_letter(cp) || utf8::is_number(cp) || cp == '_'; }

int32_t last_char(std::string_view s, size_t end) {
  if (end == 0) return -1;
  size_t start = end - 1;
  while (start > 0 && utf8::is_continuation((unsigned char)s[start])) --start;
  uint32_t len = 0;
  return utf8::decode(s, start, &len);
}

void parse_defaults(const json& root, EncodeOptions* o) {
  if (const json* t = json_find(root, "truncation"); t && !t->is_null()) {
    o->max_length = (size_t)std::max<int64_t>(0, json_int(*t, "max_length", 0, "truncation"));
    o->stride = (size_t)std::max<int64_t>(0, json_int(*t, "stride", 0, "truncation"));
    const std::string strategy = json_string_or(*t, "strategy", "LongestFirst", "truncation");
    if (strategy == "LongestFirst") o->truncation = EncodeOptions::Truncation::kLongestFirst;
    else if (strategy == "OnlyFirst") o->truncation = EncodeOptions::Truncation::kOnlyFirst;
    else if (strategy == "OnlySecond") o->truncation = EncodeOptions::Truncation::kOnlySecond;
    else fail(ErrorCode::kUnsupported, "tokenizer.json: truncation strategy '" + strategy + "'");
    o->truncate_left = json_string_or(*t, "direction", "Right", "truncation") == "Left";
  }
  if (const json* p = json_find(root, "padding"); p && !p->is_null()) {
    const json* strategy = json_find(*p, "strategy");
    if (strategy && strategy->is_object() && json_find(*strategy, "Fixed")) {
      o->padding = EncodeOptions::Padding::kMaxLength;
      o->pad_length = (size_t)std::max<int64_t>(0, json_int(*strategy, "Fixed", 0, "padding.strategy"));
    } else {
      o->padding = EncodeOptions::Padding::kLongest;
    }
    o->pad_left = json_string_or(*p, "direction", "Right", "padding") == "Left";
    o->pad_to_multiple_of = (size_t)std::max<int64_t>(0, json_int(*p, "pad_to_multiple_of", 0, "padding"));
    o->pad_id = (int32_t)json_int(*p, "pad_id", 0, "padding");
    o->pad_type_id = (int32_t)json_int(*p, "pad_type_id", 0, "padding");
    o->pad_token = json_string_or(*p, "pad_token", "[PAD]", "padding");
  }
}

}  // namespace

Tokenizer::Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_json(std::string_view text, std::string_view config_text) {
  json root = json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    fail(ErrorCode::kCorruptModel, "tokenizer.json is not a valid JSON object");
  }
  Tokenizer tok;
  try {
    tok.model_ = make_model(json_at(root, "model", "tokenizer"));
    const json null_json;
    auto component = [&](const char* key) -> const json& {
      const json* v = json_find(root, key);
      return v ? *v : null_json;
    };
    tok.normalizer_ = make_normalizer(component("normalizer"));
    tok.pre_tokenizer_ = make_pre_tokenizer(component("pre_tokenizer"));
    tok.post_processor_ = make_post_processor(component("post_processor"));
    tok.decoder_ = make_decoder(component("decoder"));
    if (const json* list = json_find(root, "added_tokens"); list && !list->is_null()) {
      if (!list->is_array()) fail(ErrorCode::kCorruptModel, "tokenizer.json: 'added_tokens' is not a list");
      for (const json& a : *list) {
        AddedToken t;
        t.content = json_string(a, "content", "added token");
        if (t.content.empty()) fail(ErrorCode::kCorruptModel, "tokenizer.json: an added token is empty");
        const int64_t id = json_int(a, "id", -1, "added token '" + t.content + "'");
        if (id < 0 || id > 50000000) fail(ErrorCode::kCorruptModel, "tokenizer.json: added token '" + t.content + "' has a bad id");
        t.id = (int32_t)id;
        t.special = json_bool(a, "special", false, "added token");
        t.single_word = json_bool(a, "single_word", false, "added token");
        t.lstrip = json_bool(a, "lstrip", false, "added token");
        t.rstrip = json_bool(a, "rstrip", false, "added token");
        t.normalized = json_bool(a, "normalized", !t.special, "added token");
        tok.added_.push_back(std::move(t));
      }
    }
    parse_defaults(root, &tok.default_options_);
    if (!config_text.empty()) {
      json config = json::parse(config_text.begin(), config_text.end(), nullptr, false);
      if (config.is_discarded() || !config.is_object()) {
        fail(ErrorCode::kBadConfig, "tokenizer_config.json is not a valid JSON object");
      }
      tok.clean_up_tokenization_spaces =
          json_bool(config, "clean_up_tokenization_spaces", false, "tokenizer_config");
    }
  } catch (const json::exception& e) {
    fail(ErrorCode::kCorruptModel, std::string("tokenizer.json: ") + e.what());
  }
  tok.finish_added_tokens();
  return tok;
}

void Tokenizer::finish_added_tokens() {
  for (size_t i = 0; i < added_.size(); ++i) {
    const AddedToken& t = added_[i];
    added_by_content_[t.content] = t.id;
    added_by_id_[t.id] = i;
    std::string form = t.content;
    Matcher* m = &raw_matcher_;
    if (t.normalized) {
      m = &normalized_matcher_;
      if (normalizer_) {
        NormalizedString n = NormalizedString::from_original(t.content, 0, (uint32_t)t.content.size());
        normalizer_->normalize(&n);
        form = n.text;
      }
    }
    if (form.empty()) continue;
    m->by_first_byte[(unsigned char)form[0]].push_back({form, i});
    m->empty = false;
  }
  for (Matcher* m : {&raw_matcher_, &normalized_matcher_}) {
    for (auto& list : m->by_first_byte) {
      // Longest first (leftmost-longest matching); ties keep file order.
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        return a.first.size() != b.first.size() ? a.first.size() > b.first.size() : a.second < b.second;
      });
    }
  }
}

Tokenizer Tokenizer::from_vocab_txt(const std::string& vocab_txt, bool lowercase) {
  // The layout transformers' BertConverter writes.
  auto model = WordPieceModel::from_vocab_txt(vocab_txt);
  json vocab = json::object();
  for (size_t id = 0; id < model->vocab_size(); ++id) {
    const std::string& t = model->id_to_token((int32_t)id);
    if (!t.empty() || id == 0) vocab[t] = id;
  }
  json added = json::array();
  for (const char* s : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    const int32_t id = model->token_to_id(s);
    if (id < 0) continue;
    added.push_back({{"id", id}, {"content", s}, {"single_word", false}, {"lstrip", false},
                     {"rstrip", false}, {"normalized", false}, {"special", true}});
  }
  const int32_t cls = model->token_to_id("[CLS]"), sep = model->token_to_id("[SEP]");
  if (cls < 0 || sep < 0) fail(ErrorCode::kCorruptModel, "vocab.txt: missing [CLS] or [SEP]");
  auto special = [](const char* name, int type_id) { return json{{"SpecialToken", {{"id", name}, {"type_id", type_id}}}}; };
  auto sequence = [](const char* name, int type_id) { return json{{"Sequence", {{"id", name}, {"type_id", type_id}}}}; };
  json root = {
      {"version", "1.0"},
      {"added_tokens", added},
      {"normalizer", {{"type", "BertNormalizer"}, {"clean_text", true}, {"handle_chinese_chars", true},
                      {"strip_accents", nullptr}, {"lowercase", lowercase}}},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single", {special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)}},
        {"pair", {special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0), sequence("B", 1), special("[SEP]", 1)}},
        {"special_tokens",
         {{"[CLS]", {{"id", "[CLS]"}, {"ids", {cls}}, {"tokens", {"[CLS]"}}}},
          {"[SEP]", {{"id", "[SEP]"}, {"ids", {sep}}, {"tokens", {"[SEP]"}}}}}}}},
      {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
      {"model", {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"continuing_subword_prefix", "##"},
                 {"max_input_chars_per_word", 100}, {"vocab", std::move(vocab)}}}};
  return from_json(root.dump());
}

Tokenizer Tokenizer::from_bpe_files(const std::string& vocab_json, const std::string& merges_txt) {
  // The layout transformers' GPT2Converter writes.
  json vocab = json::parse(vocab_json, nullptr, false);
  if (vocab.is_discarded() || !vocab.is_object()) fail(ErrorCode::kCorruptModel, "vocab.json is not a JSON object");
  json merges = json::array();
  size_t start = 0;
  bool first = true;
  while (start < merges_txt.size()) {
    size_t end = merges_txt.find('\n', start);
    if (end == std::string::npos) end = merges_txt.size();
    std::string line = merges_txt.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    start = end + 1;
    const bool header = first && line.rfind("#version", 0) == 0;
    first = false;
    if (header || line.empty()) continue;
    merges.push_back(line);
  }
  json added = json::array();
  if (const json* eot = json_find(vocab, "<|endoftext|>"); eot && eot->is_number_integer()) {
    added.push_back({{"id", *eot}, {"content", "<|endoftext|>"}, {"single_word", false}, {"lstrip", false},
                     {"rstrip", false}, {"normalized", true}, {"special", true}});
  }
  json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
  json root = {{"version", "1.0"},
               {"added_tokens", added},
               {"normalizer", nullptr},
               {"pre_tokenizer", byte_level},
               {"post_processor", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}}},
               {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
               {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr},
                          {"continuing_subword_prefix", ""}, {"end_of_word_suffix", ""}, {"fuse_unk", false},
                          {"byte_fallback", false}, {"ignore_merges", false}, {"vocab", std::move(vocab)},
                          {"merges", std::move(merges)}}}};
  return from_json(root.dump());
}

void Tokenizer::split_added(NormalizedString&& s, bool normalized_tokens,
                            std::vector<Section>* out) const {
  const Matcher& m = normalized_tokens ? normalized_matcher_ : raw_matcher_;
  if (m.empty) {
    out->push_back({std::move(s), -1});
    return;
  }
  const std::string& text = s.text;
  size_t emitted = 0;  // end of the last section pushed
  size_t pos = 0;
  while (pos < text.size()) {
    const auto& candidates = m.by_first_byte[(unsigned char)text[pos]];
    const std::pair<std::string, size_t>* hit = nullptr;
    for (const auto& c : candidates) {  // longest first: leftmost-longest
      if (text.compare(pos, c.first.size(), c.first) == 0) {
        hit = &c;
        break;
      }
    }
    if (!hit) {
      ++pos;
      continue;
    }
    const AddedToken& tok = added_[hit->second];
    size_t begin = pos, end = pos + hit->first.size();
    if (tok.single_word) {
      const int32_t before = last_char(text, begin);
      uint32_t len = 0;
      const int32_t after = end < text.size() ? utf8::decode(text, end, &len) : -1;
      if ((before >= 0 && is_word_char(before)) || (after >= 0 && is_word_char(after))) {
        pos = end;  // this match is skipped, as aho-corasick moves past it
        continue;
      }
    }
    if (tok.lstrip) {
      while (begin > emitted) {
        const int32_t c = last_char(text, begin);
        if (!utf8::is_whitespace(c)) break;
        size_t b = begin - 1;
        while (b > emitted && utf8::is_continuation((unsigned char)text[b])) --b;
        begin = b;
      }
    }
    if (tok.rstrip) {
      while (end < text.size()) {
        uint32_t len = 0;
        if (!utf8::is_whitespace(utf8::decode(text, end, &len))) break;
        end += len;
      }
    }
    if (begin > emitted) out->push_back({s.slice(emitted, begin), -1});
    out->push_back({s.slice(begin, end), (int64_t)hit->second});
    emitted = pos = end;
  }
  if (emitted == 0) {
    if (!text.empty()) out->push_back({std::move(s), -1});
  } else if (emitted < text.size()) {
    out->push_back({s.slice(emitted, text.size()), -1});
  }
}

Encoding Tokenizer::encode_sequence(std::string_view text, int32_t seq) const {
  Encoding e;
  if (text.size() > 0xFFFFFFF0u) fail(ErrorCode::kInvalidArgument, "text longer than 4 GB");
  std::vector<Section> raw, normalized;
  EncodeScratch scratch;
  int32_t next_word = 0;
  split_added(NormalizedString::from_original(text, 0, (uint32_t)text.size()), false, &raw);
  auto push_added = [&](const Section& s) {
    const AddedToken& t = added_[(size_t)s.added];
    e.push(t.id, t.content, s.text.original_span(0, s.text.text.size()), seq, 0, seq, next_word++);
  };
  for (Section& r : raw) {
    if (r.added >= 0) {
      push_added(r);
      continue;
    }
    if (normalizer_) normalizer_->normalize(&r.text);
    normalized.clear();
    split_added(std::move(r.text), true, &normalized);
    for (Section& n : normalized) {
      if (n.added >= 0) {
        push_added(n);
        continue;
      }
      if (n.text.empty()) continue;
      encode_words(std::move(n.text), pre_tokenizer_.get(), *model_, seq, &next_word, &scratch, &e);
    }
  }
  return e;
}

namespace {

void truncate_one(Encoding* e, size_t keep, bool left) {
  if (keep >= e->size()) return;
  if (!left) {
    e->truncate(keep);
    return;
  }
  *e = e->slice(e->size() - keep, e->size());
}

// tokenizers' Encoding::truncate: windows of keep tokens, each starting
// keep - stride after the previous (from the end when truncating left),
// until one reaches the other end; the first is what the encoding keeps.
std::vector<Encoding> overflow_windows(const Encoding& e, size_t keep, size_t stride, bool left) {
  std::vector<Encoding> out;
  const size_t n = e.size();
  if (keep >= n) return {e};
  if (keep == 0) return {Encoding(), e};
  if (stride >= keep) {
    fail(ErrorCode::kInvalidArgument, "stride " + std::to_string(stride) + " must be below the " +
                                          std::to_string(keep) + " tokens a window of this sequence keeps");
  }
  const size_t step = keep - stride;
  if (!left) {
    for (size_t start = 0;; start += step) {
      const size_t stop = std::min(start + keep, n);
      out.push_back(e.slice(start, stop));
      if (stop == n) break;
    }
  } else {
    for (size_t stop = n;; stop -= std::min(step, stop)) {
      const size_t start = stop > keep ? stop - keep : 0;
      out.push_back(e.slice(start, stop));
      if (start == 0) break;
    }
  }
  return out;
}

}  // namespace

Encoding Tokenizer::encode(std::string_view text, const std::string_view* pair,
                           const EncodeOptions& o) const {
  Encoding a = encode_sequence(text, 0);
  Encoding b;
  if (pair) b = encode_sequence(*pair, 1);
  size_t keep_a = a.size(), keep_b = b.size();
  if (o.max_length > 0) {
    const size_t added = (o.add_special_tokens && post_processor_) ? post_processor_->added_tokens(pair != nullptr) : 0;
    if (o.max_length < added) {
      fail(ErrorCode::kInvalidArgument, "max_length " + std::to_string(o.max_length) +
                                            " is shorter than the " + std::to_string(added) + " special tokens");
    }
    const size_t target = o.max_length - added;
    const size_t total = a.size() + b.size();
    if (total > target) {
      const size_t remove = total - target;
      if (!pair || o.truncation == EncodeOptions::Truncation::kOnlyFirst) {
        if (o.truncation == EncodeOptions::Truncation::kOnlySecond && !pair) {
          fail(ErrorCode::kInvalidArgument, "truncation only_second needs a text pair");
        }
        if (remove > a.size()) fail(ErrorCode::kInvalidArgument, "the first sequence is too short to truncate to max_length");
        keep_a = a.size() - remove;
      } else if (o.truncation == EncodeOptions::Truncation::kOnlySecond) {
        if (remove > b.size()) fail(ErrorCode::kInvalidArgument, "the second sequence is too short to truncate to max_length");
        keep_b = b.size() - remove;
      } else {
        // longest_first: the shorter sequence keeps everything it can of
        // half the room; ties give the first sequence the odd token.
        const size_t half = target / 2;
        if (std::min(a.size(), b.size()) <= half) {
          if (a.size() <= b.size()) {
            keep_b = target - keep_a;
          } else {
            keep_a = target - keep_b;
          }
        } else {
          keep_a = target - half;
          keep_b = half;
        }
      }
    }
  }
  if (!o.return_overflowing) {
    truncate_one(&a, keep_a, o.truncate_left);
    truncate_one(&b, keep_b, o.truncate_left);
    return finish(std::move(a), pair ? &b : nullptr, o);
  }
  std::vector<Encoding> wa = overflow_windows(a, keep_a, o.stride, o.truncate_left);
  std::vector<Encoding> wb = pair ? overflow_windows(b, keep_b, o.stride, o.truncate_left) : std::vector<Encoding>{};
  // tokenizers' Encoding::merge_with order: each overflow of the first text
  // with the second's kept part, then with each of its overflows; then the
  // first's kept part with each overflow of the second.
  std::vector<Encoding> overflowing;
  for (size_t i = 1; i < wa.size(); ++i) {
    if (!pair) {
      overflowing.push_back(finish(wa[i], nullptr, o));
      continue;
    }
    overflowing.push_back(finish(wa[i], &wb[0], o));
    for (size_t j = 1; j < wb.size(); ++j) overflowing.push_back(finish(wa[i], &wb[j], o));
  }
  for (size_t j = 1; j < wb.size(); ++j) overflowing.push_back(finish(wa[0], &wb[j], o));
  Encoding out = finish(std::move(wa[0]), pair ? &wb[0] : nullptr, o);
  out.overflowing = std::move(overflowing);
  // tokenizers pads a single encoding's windows to its own length.
  if (o.padding == EncodeOptions::Padding::kLongest) pad(&out, out.size(), o);
  return out;
}

// Post-processing and per-encoding padding of one (truncated) text or pair.
Encoding Tokenizer::finish(Encoding a, Encoding* b, const EncodeOptions& o) const {
  Encoding out = post_processor_ ? post_processor_->process(std::move(a), b, o.add_special_tokens)
                                 : concat_encodings(std::move(a), b);
  if (o.padding == EncodeOptions::Padding::kMaxLength) {
    pad(&out, o.pad_length ? o.pad_length : o.max_length, o);
  } else if (o.padding == EncodeOptions::Padding::kLongest) {
    pad(&out, out.size(), o);
  }
  return out;
}

void Tokenizer::pad(Encoding* e, size_t length, const EncodeOptions& o) const {
  for (Encoding& window : e->overflowing) pad(&window, length, o);  // as tokenizers' Encoding::pad
  if (o.pad_to_multiple_of > 0 && length % o.pad_to_multiple_of != 0) {
    length += o.pad_to_multiple_of - length % o.pad_to_multiple_of;
  }
  if (e->size() >= length) return;
  const size_t n = length - e->size();
  Encoding padding;
  for (size_t i = 0; i < n; ++i) padding.push(o.pad_id, o.pad_token, {0, 0}, o.pad_type_id, 1, -1);
  for (auto& m : padding.attention_mask) m = 0;
  if (o.pad_left) {
    padding.append(*e);
    *e = std::move(padding);
  } else {
    e->append(padding);
  }
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                              const std::vector<std::string>* pairs,
                                              const EncodeOptions& options) const {
  if (pairs && pairs->size() != texts.size()) {
    fail(ErrorCode::kInvalidArgument, "encode_batch: texts and pairs differ in length");
  }
  EncodeOptions each = options;
  if (each.padding == EncodeOptions::Padding::kLongest) each.padding = EncodeOptions::Padding::kNone;
  std::vector<Encoding> out;
  out.reserve(texts.size());
  size_t longest = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string_view pair = pairs ? std::string_view((*pairs)[i]) : std::string_view();
    out.push_back(encode(texts[i], pairs ? &pair : nullptr, each));
    longest = std::max(longest, out.back().size());
  }
  if (options.padding == EncodeOptions::Padding::kLongest) {
    for (Encoding& e : out) pad(&e, longest, options);
  }
  return out;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int32_t id : ids) {
    auto it = added_by_id_.find(id);
    if (it != added_by_id_.end()) {
      const AddedToken& t = added_[it->second];
      if (skip_special_tokens && t.special) continue;
      tokens.push_back(t.content);
      continue;
    }
    const std::string& t = model_->id_to_token(id);
    if (t.empty()) continue;  // not in the vocabulary
    tokens.push_back(t);
  }
  std::string text;
  if (decoder_) {
    for (const std::string& s : decoder_->decode_chain(std::move(tokens))) text += s;
  } else {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i) text += ' ';
      text += tokens[i];
    }
  }
  if (clean_up_tokenization_spaces) text = clean_up_tokenization(std::move(text));
  return text;
}

int32_t Tokenizer::token_to_id(std::string_view token) const {
  auto it = added_by_content_.find(std::string(token));
  if (it != added_by_content_.end()) return it->second;
  return model_->token_to_id(token);
}

std::string Tokenizer::id_to_token(int32_t id) const {
  auto it = added_by_id_.find(id);
  if (it != added_by_id_.end()) return added_[it->second].content;
  return model_->id_to_token(id);
}

size_t Tokenizer::vocab_size() const {
  size_t n = model_->vocab_size();
  for (const AddedToken& t : added_) {
    if (model_->id_to_token(t.id).empty()) ++n;
  }
  return n;
}

bool Tokenizer::is_special_id(int32_t id) const {
  auto it = added_by_id_.find(id);
  return it != added_by_id_.end() && added_[it->second].special;
}

}  // namespace pf
