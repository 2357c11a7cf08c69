#include "tokenizers/post_processors.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/json_util.h"
#include "tokenizers/utf8_text.h"

namespace pf {

namespace {

using nlohmann::json;

// Offsets of byte-level tokens exclude the spaces ('Ġ') they start or end
// with, as Hugging Face's ByteLevel trim_offsets does.
void trim_byte_level_offsets(Encoding* e, bool add_prefix_space) {
  const int32_t space = utf8::byte_to_char(' ');
  for (size_t i = 0; i < e->size(); ++i) {
    const std::string& tok = e->tokens[i];
    size_t leading = 0, trailing = 0;
    std::vector<int32_t> cps;
    for (size_t pos = 0; pos < tok.size();) {
      uint32_t len = 0;
      cps.push_back(utf8::decode(tok, pos, &len));
      pos += len;
    }
    auto is_space = [&](int32_t c) { return c == space || utf8::is_whitespace(c); };
    while (leading < cps.size() && is_space(cps[leading])) ++leading;
    while (trailing < cps.size() && is_space(cps[cps.size() - 1 - trailing])) ++trailing;
    Span& off = e->offsets[i];
    if (leading > 0) {
      const bool is_first = i == 0 || off.begin == 0;
      if (is_first && add_prefix_space && leading == 1) leading = 0;
      off.begin = std::min<uint32_t>(off.begin + (uint32_t)leading, off.end);
    }
    if (trailing > 0 && off.end >= trailing) {
      off.end = std::max<uint32_t>(off.end - (uint32_t)trailing, off.begin);
    }
  }
}

class ByteLevelProcessor : public PostProcessor {
 public:
  explicit ByteLevelProcessor(const json& j)
      : trim_(json_bool(j, "trim_offsets", true, "ByteLevel post_processor")),
        add_prefix_space_(json_bool(j, "add_prefix_space", true, "ByteLevel post_processor")) {}
  size_t added_tokens(bool) const override { return 0; }
  Encoding process(Encoding first, Encoding* pair, bool) const override {
    if (trim_) {
      trim_byte_level_offsets(&first, add_prefix_space_);
      if (pair) trim_byte_level_offsets(pair, add_prefix_space_);
    }
    return concat_encodings(std::move(first), pair);
  }

 private:
  bool trim_, add_prefix_space_;
};

struct SpecialToken {
  std::string token;
  int32_t id;
};

SpecialToken parse_pair_token(const json& j, const char* key, const std::string& ctx) {
  const json& v = json_at(j, key, ctx);
  if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_number_integer()) {
    fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + "." + key + " is not [token, id]");
  }
  return {v[0].get<std::string>(), (int32_t)v[1].get<int64_t>()};
}

// [CLS] A [SEP] (B [SEP]) with type ids 0 for the first part, 1 for B.
class BertProcessor : public PostProcessor {
 public:
  explicit BertProcessor(const json& j)
      : cls_(parse_pair_token(j, "cls", "BertProcessing")),
        sep_(parse_pair_token(j, "sep", "BertProcessing")) {}
  size_t added_tokens(bool pair) const override { return pair ? 3 : 2; }
  Encoding process(Encoding first, Encoding* pair, bool add) const override {
    if (!add) return concat_encodings(std::move(first), pair);
    Encoding out;
    out.push(cls_.id, cls_.token, {0, 0}, 0, 1, -1);
    for (auto& t : first.type_ids) t = 0;
    out.append(std::move(first));
    out.push(sep_.id, sep_.token, {0, 0}, 0, 1, -1);
    if (pair) {
      for (auto& t : pair->type_ids) t = 1;
      out.append(*pair);
      out.push(sep_.id, sep_.token, {0, 0}, 1, 1, -1);
    }
    return out;
  }

 private:
  SpecialToken cls_, sep_;
};

// <s> A </s> (</s> B </s>), type ids all 0, byte-level offset trimming.
class RobertaProcessor : public PostProcessor {
 public:
  explicit RobertaProcessor(const json& j)
      : cls_(parse_pair_token(j, "cls", "RobertaProcessing")),
        sep_(parse_pair_token(j, "sep", "RobertaProcessing")),
        trim_(json_bool(j, "trim_offsets", true, "RobertaProcessing")),
        add_prefix_space_(json_bool(j, "add_prefix_space", true, "RobertaProcessing")) {}
  size_t added_tokens(bool pair) const override { return pair ? 4 : 2; }
  Encoding process(Encoding first, Encoding* pair, bool add) const override {
    if (trim_) {
      trim_byte_level_offsets(&first, add_prefix_space_);
      if (pair) trim_byte_level_offsets(pair, add_prefix_space_);
    }
    if (!add) return concat_encodings(std::move(first), pair);
    Encoding out;
    out.push(cls_.id, cls_.token, {0, 0}, 0, 1, -1);
    for (auto& t : first.type_ids) t = 0;
    out.append(std::move(first));
    out.push(sep_.id, sep_.token, {0, 0}, 0, 1, -1);
    if (pair) {
      out.push(sep_.id, sep_.token, {0, 0}, 0, 1, -1);
      for (auto& t : pair->type_ids) t = 0;
      out.append(*pair);
      out.push(sep_.id, sep_.token, {0, 0}, 0, 1, -1);
    }
    return out;
  }

 private:
  SpecialToken cls_, sep_;
  bool trim_, add_prefix_space_;
};

class TemplateProcessor : public PostProcessor {
 public:
  explicit TemplateProcessor(const json& j) {
    const json& specials = json_at(j, "special_tokens", "TemplateProcessing");
    if (!specials.is_object()) fail(ErrorCode::kCorruptModel, "tokenizer.json: TemplateProcessing.special_tokens is not an object");
    single_ = parse_template(json_at(j, "single", "TemplateProcessing"), specials, "single");
    pair_ = parse_template(json_at(j, "pair", "TemplateProcessing"), specials, "pair");
  }
  size_t added_tokens(bool pair) const override {
    size_t n = 0;
    for (const Piece& p : pair ? pair_ : single_) n += p.sequence < 0 ? p.ids.size() : 0;
    return n;
  }
  Encoding process(Encoding first, Encoding* pair, bool add) const override {
    if (!add) return concat_encodings(std::move(first), pair);
    Encoding out;
    for (const Piece& p : pair ? pair_ : single_) {
      if (p.sequence < 0) {
        for (size_t i = 0; i < p.ids.size(); ++i) out.push(p.ids[i], p.tokens[i], {0, 0}, p.type_id, 1, -1);
      } else {
        Encoding* src = p.sequence == 0 ? &first : pair;
        if (!src) continue;
        for (auto& t : src->type_ids) t = p.type_id;
        // first is ours to move from where the template uses it once; the
        // caller may reuse *pair (one kept part with several windows).
        if (src == &first && uses_first_once(pair ? pair_ : single_)) out.append(std::move(first));
        else out.append(*src);
      }
    }
    return out;
  }

 private:
  struct Piece {
    int sequence = -1;  // 0 = A, 1 = B, -1 = special token
    int32_t type_id = 0;
    std::vector<int32_t> ids;
    std::vector<std::string> tokens;
  };
  static bool uses_first_once(const std::vector<Piece>& pieces) {
    size_t n = 0;
    for (const Piece& p : pieces) n += p.sequence == 0;
    return n == 1;
  }
  static std::vector<Piece> parse_template(const json& list, const json& specials, const char* which) {
    const std::string ctx = std::string("TemplateProcessing.") + which;
    if (!list.is_array()) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + " is not a list");
    std::vector<Piece> out;
    for (const json& item : list) {
      Piece p;
      if (const json* seq = json_find(item, "Sequence")) {
        const std::string id = json_string(*seq, "id", ctx);
        if (id != "A" && id != "B") fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + ": sequence id '" + id + "'");
        p.sequence = id == "A" ? 0 : 1;
        p.type_id = (int32_t)json_int(*seq, "type_id", 0, ctx);
      } else if (const json* sp = json_find(item, "SpecialToken")) {
        const std::string id = json_string(*sp, "id", ctx);
        p.type_id = (int32_t)json_int(*sp, "type_id", 0, ctx);
        const json* def = json_find(specials, id.c_str());
        if (!def) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + ": special token '" + id + "' is not defined");
        const json& ids = json_at(*def, "ids", ctx);
        const json& toks = json_at(*def, "tokens", ctx);
        if (!ids.is_array() || !toks.is_array() || ids.size() != toks.size()) {
          fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + ": special token '" + id + "' ids/tokens mismatch");
        }
        for (size_t i = 0; i < ids.size(); ++i) {
          if (!ids[i].is_number_integer() || !toks[i].is_string()) {
            fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + ": special token '" + id + "' has a bad entry");
          }
          p.ids.push_back((int32_t)ids[i].get<int64_t>());
          p.tokens.push_back(toks[i].get<std::string>());
        }
      } else {
        fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + ": item is neither Sequence nor SpecialToken");
      }
      out.push_back(std::move(p));
    }
    return out;
  }
  std::vector<Piece> single_, pair_;
};

class SequenceProcessor : public PostProcessor {
 public:
  explicit SequenceProcessor(const json& j) {
    const json& list = json_at(j, "processors", "post_processor Sequence");
    if (!list.is_array()) fail(ErrorCode::kCorruptModel, "tokenizer.json: post_processor Sequence.processors is not a list");
    for (const json& item : list) {
      auto p = make_post_processor(item);
      if (p) parts_.push_back(std::move(p));
    }
  }
  size_t added_tokens(bool pair) const override {
    size_t n = 0;
    for (const auto& p : parts_) n += p->added_tokens(pair);
    return n;
  }
  Encoding process(Encoding first, Encoding* pair, bool add) const override {
    // Offset-only steps (ByteLevel) transform each sequence; the one that
    // adds special tokens runs last on both.
    const PostProcessor* structural = nullptr;
    for (const auto& p : parts_) {
      if (p->added_tokens(true) > 0) {
        if (structural) {
          fail(ErrorCode::kUnsupported, "tokenizer.json: post_processor Sequence with two special-token processors");
        }
        structural = p.get();
        continue;
      }
      Encoding a = p->process(std::move(first), nullptr, add);
      first = std::move(a);
      if (pair) {
        Encoding b = p->process(std::move(*pair), nullptr, add);
        *pair = std::move(b);
      }
    }
    if (structural) return structural->process(std::move(first), pair, add);
    return concat_encodings(std::move(first), pair);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> parts_;
};

}  // namespace

Encoding concat_encodings(Encoding first, Encoding* pair) {
  if (pair) first.append(*pair);
  return first;
}

std::unique_ptr<PostProcessor> make_post_processor(const json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = json_type(j, "post_processor");
  if (type == "ByteLevel") return std::make_unique<ByteLevelProcessor>(j);
  if (type == "BertProcessing") return std::make_unique<BertProcessor>(j);
  if (type == "RobertaProcessing") return std::make_unique<RobertaProcessor>(j);
  if (type == "TemplateProcessing") return std::make_unique<TemplateProcessor>(j);
  if (type == "Sequence") return std::make_unique<SequenceProcessor>(j);
  fail(ErrorCode::kUnsupported, "tokenizer.json: unknown post_processor type '" + type + "'");
}

}  // namespace pf
