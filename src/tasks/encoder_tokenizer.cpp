#include "tasks/encoder_tokenizer.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tasks/wordpiece_text.h"

namespace pf {

namespace {

using nlohmann::json;

// A token named in tokenizer_config.json: "<mask>" or {"content": "<mask>", ...}.
std::string config_token(const json& config, const char* key) {
  if (!config.is_object() || !config.contains(key)) return "";
  const json& v = config[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) {
    return v["content"].get<std::string>();
  }
  return "";
}

// The first of `names` the tokenizer knows, or -1.
int32_t first_known(const Tokenizer& tok, std::initializer_list<std::string> names,
                    std::string* found = nullptr) {
  for (const std::string& name : names) {
    if (name.empty()) continue;
    const int32_t id = tok.token_to_id(name);
    if (id >= 0) {
      if (found) *found = name;
      return id;
    }
  }
  return -1;
}

// Where the post-processor puts the text(s): encodes a probe with special
// tokens and keeps what surrounds the probe's own tokens (sequence ids 0 / 1).
EncoderTokenizer::Specials probe_specials(const Tokenizer& tok, bool pair) {
  EncodeOptions options;
  options.add_special_tokens = true;
  const std::string_view probe = "a";
  const Encoding e = tok.encode(probe, pair ? &probe : nullptr, options);
  EncoderTokenizer::Specials s;
  int32_t last_sequence = -2;
  bool seen_first = false, seen_second = false;
  for (size_t i = 0; i < e.size(); ++i) {
    const int32_t seq = e.sequence_ids[i];
    if (seq == 0) seen_first = true;
    if (seq == 1) {
      seen_second = true;
      s.second_type = e.type_ids[i];
    }
    if (seq >= 0) {
      last_sequence = seq;
      continue;
    }
    // A special token: before the first text, between the texts, or after.
    if (!seen_first) {
      s.prefix.push_back(e.ids[i]);
      s.prefix_types.push_back(e.type_ids[i]);
    } else if (pair && last_sequence == 0) {
      s.middle.push_back(e.ids[i]);
      s.middle_types.push_back(e.type_ids[i]);
    } else {
      s.suffix.push_back(e.ids[i]);
      s.suffix_types.push_back(e.type_ids[i]);
    }
  }
  if (!seen_first || (pair && !seen_second)) {
    fail(ErrorCode::kUnsupported,
         "tokenizer.json: cannot tell where its post-processor places the text (\"a\" gives no "
         "tokens)");
  }
  return s;
}

}  // namespace

EncoderTokenizer::EncoderTokenizer(EncoderTokenizer&&) noexcept = default;
EncoderTokenizer& EncoderTokenizer::operator=(EncoderTokenizer&&) noexcept = default;
EncoderTokenizer::~EncoderTokenizer() = default;

EncoderTokenizer EncoderTokenizer::load(const TokenizerFiles& files) {
  EncoderTokenizer t;
  if (files.tokenizer_json.empty()) {
    WordPieceTokenizer::Options options;
    options.lowercase = files.vocab_lowercase;
    t.wordpiece_ = std::make_unique<WordPieceTokenizer>(
        WordPieceTokenizer::from_vocab_txt(files.vocab_txt, options));
    const WordPieceTokenizer& wp = *t.wordpiece_;
    t.single_ = {{wp.cls_id()}, {}, {wp.sep_id()}, {0}, {}, {0}, 0};
    t.pair_ = {{wp.cls_id()}, {wp.sep_id()}, {wp.sep_id()}, {0}, {0}, {1}, 1};
    t.pad_id_ = wp.pad_id();
    t.unk_id_ = wp.unk_id();
    t.mask_token_ = "[MASK]";
    t.mask_id_ = wp.token_to_id("[MASK]");
    return t;
  }
  t.json_ = std::make_unique<Tokenizer>(
      Tokenizer::from_json(files.tokenizer_json, files.tokenizer_config_json));
  const Tokenizer& tok = *t.json_;
  // The model section says whether words are marked ("##" pieces); the
  // parse cannot fail here, from_json has read the same text.
  const json doc = json::parse(files.tokenizer_json, nullptr, false);
  if (doc.is_object() && doc.contains("model") && doc["model"].is_object()) {
    const json& model = doc["model"];
    const bool wordpiece = model.value("type", std::string()) == "WordPiece" ||
                           (!model.contains("type") && model.contains("max_input_chars_per_word"));
    if (wordpiece) {
      const json& prefix = model.contains("continuing_subword_prefix")
                               ? model["continuing_subword_prefix"]
                               : json("##");
      t.continuing_prefix_ = prefix.is_string() ? prefix.get<std::string>() : "##";
    }
  }
  json config = json::object();
  if (!files.tokenizer_config_json.empty()) {
    config = json::parse(files.tokenizer_config_json, nullptr, false);
    if (!config.is_object()) config = json::object();
  }
  t.single_ = probe_specials(tok, false);
  t.pair_ = probe_specials(tok, true);
  if (tok.default_options().padding != EncodeOptions::Padding::kNone) {
    t.pad_id_ = tok.default_options().pad_id;
  } else {
    const int32_t pad = first_known(tok, {config_token(config, "pad_token"), "<pad>", "[PAD]"});
    t.pad_id_ = pad >= 0 ? pad : 0;
  }
  t.unk_id_ = first_known(tok, {config_token(config, "unk_token"), "<unk>", "[UNK]"});
  t.mask_id_ =
      first_known(tok, {config_token(config, "mask_token"), "<mask>", "[MASK]"}, &t.mask_token_);
  return t;
}

std::vector<EncoderTokenizer::SpannedToken> EncoderTokenizer::tokenize_with_offsets(
    const std::string& text) const {
  if (wordpiece_) return wordpiece_->tokenize_with_offsets(text);
  EncodeOptions options;
  options.add_special_tokens = false;
  const Encoding e = json_->encode(text, nullptr, options);
  std::vector<SpannedToken> out;
  out.reserve(e.size());
  uint32_t word = 0;
  for (size_t i = 0; i < e.size(); ++i) {
    SpannedToken t{e.ids[i], e.offsets[i].begin, e.offsets[i].end, 0};
    // The Encoding has no word ids: a token starts a new word unless it is a
    // marked continuation (WordPiece) or, for unmarked models, follows the
    // previous token with no space between (so "Hello," is one word here
    // where the pre-tokenizer made two; only answer widening sees this).
    if (i > 0) {
      const bool continues = !continuing_prefix_.empty()
                                 ? e.tokens[i].compare(0, continuing_prefix_.size(),
                                                       continuing_prefix_) == 0
                                 : is_subword(text, t) && out.back().end == t.begin;
      if (!continues) ++word;
    }
    t.word = word;
    out.push_back(t);
  }
  return out;
}

std::vector<int32_t> EncoderTokenizer::tokenize_ids(const std::string& text) const {
  if (wordpiece_) return wordpiece_->tokenize_ids(text);
  std::vector<int32_t> ids;
  for (const SpannedToken& t : tokenize_with_offsets(text)) ids.push_back(t.id);
  return ids;
}

std::vector<int32_t> EncoderTokenizer::encode(const std::string& text, size_t max_length) const {
  if (max_length < single_.count() + 1) {
    fail(ErrorCode::kInvalidArgument, "max_length " + std::to_string(max_length) +
                                          " leaves no room beside the special tokens");
  }
  std::vector<int32_t> body = tokenize_ids(text);
  if (body.size() > max_length - single_.count()) body.resize(max_length - single_.count());
  std::vector<int32_t> ids = single_.prefix;
  ids.insert(ids.end(), body.begin(), body.end());
  ids.insert(ids.end(), single_.suffix.begin(), single_.suffix.end());
  return ids;
}

bool EncoderTokenizer::is_literal_special(const std::string& text, const SpannedToken& token) const {
  if (json_) return json_->is_special_id(token.id);
  const std::string& name = wordpiece_->id_to_token(token.id);
  return name.size() > 2 && name.front() == '[' && name.back() == ']' &&
         token.end - token.begin == name.size() && text.compare(token.begin, name.size(), name) == 0;
}

bool EncoderTokenizer::is_subword(const std::string& text, const SpannedToken& token) const {
  if (wordpiece_ || !continuing_prefix_.empty()) {
    // A marked model: a token is a subword when its string is not the text
    // it covers ("##ing" vs "ing").
    const std::string source = text.substr(token.begin, token.end - token.begin);
    return utf8_length(id_to_token(token.id)) != utf8_length(source);
  }
  // transformers' fallback: start > 0 and no space in text[start - 1 : start + 1].
  if (token.begin == 0 || token.begin > text.size()) return false;
  return text[token.begin - 1] != ' ' && (token.begin >= text.size() || text[token.begin] != ' ');
}

std::string EncoderTokenizer::tokens_to_string(const std::vector<std::string>& tokens) const {
  if (wordpiece_) return join_wordpieces(tokens);
  std::vector<int32_t> ids;
  for (const std::string& t : tokens) ids.push_back(json_->token_to_id(t));
  return json_->decode(ids, false);
}

std::string EncoderTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  if (wordpiece_) return decode_ids(*wordpiece_, ids, skip_special);
  return json_->decode(ids, skip_special);
}

bool EncoderTokenizer::is_special_id(int32_t id) const {
  return wordpiece_ ? pf::is_special_id(*wordpiece_, id) : json_->is_special_id(id);
}

int32_t EncoderTokenizer::token_to_id(const std::string& token) const {
  return wordpiece_ ? wordpiece_->token_to_id(token) : json_->token_to_id(token);
}

std::string EncoderTokenizer::id_to_token(int32_t id) const {
  if (json_) return json_->id_to_token(id);
  if (id < 0 || (size_t)id >= wordpiece_->vocab_size()) return "";
  return wordpiece_->id_to_token(id);
}

size_t EncoderTokenizer::vocab_size() const {
  return wordpiece_ ? wordpiece_->vocab_size() : json_->vocab_size();
}

}  // namespace pf
