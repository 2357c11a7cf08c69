#include "tokenizers/decoders.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/json_util.h"
#include "tokenizers/regex.h"
#include "tokenizers/utf8_text.h"

namespace pf {

namespace {

using nlohmann::json;

void replace_all(std::string* s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  std::string out;
  size_t pos = 0;
  for (size_t hit = s->find(from); hit != std::string::npos; hit = s->find(from, pos)) {
    out.append(*s, pos, hit - pos);
    out.append(to);
    pos = hit + from.size();
  }
  if (pos == 0) return;
  out.append(*s, pos, std::string::npos);
  *s = std::move(out);
}

class ByteLevelDecoder : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      // A token with a character outside the byte table (an added token
      // written in plain text) contributes its own UTF-8 bytes.
      const size_t mark = bytes.size();
      bool all_mapped = true;
      for (size_t pos = 0; pos < t.size();) {
        uint32_t len = 0;
        const int b = utf8::byte_from_char(utf8::decode(t, pos, &len));
        if (b < 0) {
          all_mapped = false;
          break;
        }
        bytes.push_back((char)b);
        pos += len;
      }
      if (!all_mapped) {
        bytes.resize(mark);
        bytes += t;
      }
    }
    return {utf8::decode_lossy(bytes)};
  }
};

// WordPiece's own cleanup (Rust tokenizers' decoders::wordpiece::cleanup).
std::string wordpiece_cleanup(std::string s) {
  replace_all(&s, " .", ".");
  replace_all(&s, " ?", "?");
  replace_all(&s, " !", "!");
  replace_all(&s, " ,", ",");
  replace_all(&s, " ' ", "'");
  replace_all(&s, " n't", "n't");
  replace_all(&s, " 'm", "'m");
  replace_all(&s, " do not", " don't");
  replace_all(&s, " 's", "'s");
  replace_all(&s, " 've", "'ve");
  replace_all(&s, " 're", "'re");
  return s;
}

class WordPieceDecoder : public Decoder {
 public:
  explicit WordPieceDecoder(const json& j)
      : prefix_(json_string_or(j, "prefix", "##", "WordPiece decoder")),
        cleanup_(json_bool(j, "cleanup", true, "WordPiece decoder")) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      if (i != 0) {
        if (!prefix_.empty() && t.compare(0, prefix_.size(), prefix_) == 0) t.erase(0, prefix_.size());
        else t.insert(0, " ");
      }
      if (cleanup_) t = wordpiece_cleanup(std::move(t));
    }
    return tokens;
  }

 private:
  std::string prefix_;
  bool cleanup_;
};

class MetaspaceDecoder : public Decoder {
 public:
  explicit MetaspaceDecoder(const json& j)
      : replacement_(json_string_or(j, "replacement", "\u2581", "Metaspace decoder")) {
    const std::string scheme = json_string_or(j, "prepend_scheme", "", "Metaspace decoder");
    strip_first_ = scheme.empty() ? json_bool(j, "add_prefix_space", true, "Metaspace decoder")
                                  : scheme != "never";
  }
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      replace_all(&tokens[i], replacement_, " ");
      if (i == 0 && strip_first_ && !tokens[i].empty() && tokens[i][0] == ' ') tokens[i].erase(0, 1);
    }
    return tokens;
  }

 private:
  std::string replacement_;
  bool strip_first_;
};

class ByteFallbackDecoder : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    size_t pending_count = 0;
    auto flush = [&] {
      if (pending_count == 0) return;
      const std::string decoded = utf8::decode_lossy(pending);
      if (decoded == pending) {
        out.push_back(decoded);
      } else {
        // Invalid byte runs become one U+FFFD per byte token.
        for (size_t i = 0; i < pending_count; ++i) out.push_back("\xEF\xBF\xBD");
      }
      pending.clear();
      pending_count = 0;
    };
    for (std::string& t : tokens) {
      int byte = -1;
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') {
        auto hex = [](char c) {
          if (c >= '0' && c <= '9') return c - '0';
          if (c >= 'A' && c <= 'F') return c - 'A' + 10;
          if (c >= 'a' && c <= 'f') return c - 'a' + 10;
          return -1;
        };
        const int hi = hex(t[3]), lo = hex(t[4]);
        if (hi >= 0 && lo >= 0) byte = hi * 16 + lo;
      }
      if (byte >= 0) {
        pending.push_back((char)byte);
        ++pending_count;
      } else {
        flush();
        out.push_back(std::move(t));
      }
    }
    flush();
    return out;
  }
};

class FuseDecoder : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    return {std::move(all)};
  }
};

class StripDecoder : public Decoder {
 public:
  explicit StripDecoder(const json& j) {
    const std::string content = json_string(j, "content", "Strip decoder");
    uint32_t len = 0;
    if (content.empty() || (utf8::decode(content, 0, &len), len != content.size())) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json: Strip decoder content must be one character");
    }
    content_ = content;
    start_ = (size_t)std::max<int64_t>(0, json_int(j, "start", 0, "Strip decoder"));
    stop_ = (size_t)std::max<int64_t>(0, json_int(j, "stop", 0, "Strip decoder"));
  }
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::string& t : tokens) {
      for (size_t i = 0; i < start_ && t.compare(0, content_.size(), content_) == 0; ++i) {
        t.erase(0, content_.size());
      }
      for (size_t i = 0; i < stop_ && t.size() >= content_.size() &&
                         t.compare(t.size() - content_.size(), content_.size(), content_) == 0;
           ++i) {
        t.resize(t.size() - content_.size());
      }
    }
    return tokens;
  }

 private:
  std::string content_;
  size_t start_, stop_;
};

class ReplaceDecoder : public Decoder {
 public:
  explicit ReplaceDecoder(const json& j)
      : pattern_(Pattern::from_json(json_at(j, "pattern", "Replace decoder"), "Replace decoder")),
        content_(json_string(j, "content", "Replace decoder")) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::string& t : tokens) {
      const std::vector<Span> m = pattern_.find_all(t);
      if (m.empty()) continue;
      std::string out;
      size_t pos = 0;
      for (const Span& s : m) {
        out.append(t, pos, s.begin - pos);
        out += content_;
        pos = s.end;
      }
      out.append(t, pos, std::string::npos);
      t = std::move(out);
    }
    return tokens;
  }

 private:
  Pattern pattern_;
  std::string content_;
};

class BpeDecoder : public Decoder {
 public:
  explicit BpeDecoder(const json& j) : suffix_(json_string_or(j, "suffix", "</w>", "BPEDecoder")) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      replace_all(&tokens[i], suffix_, i + 1 == tokens.size() ? "" : " ");
    }
    return tokens;
  }

 private:
  std::string suffix_;
};

class SequenceDecoder : public Decoder {
 public:
  explicit SequenceDecoder(const json& j) {
    const json& list = json_at(j, "decoders", "decoder Sequence");
    if (!list.is_array()) fail(ErrorCode::kCorruptModel, "tokenizer.json: decoder Sequence.decoders is not a list");
    for (const json& item : list) {
      auto d = make_decoder(item);
      if (d) parts_.push_back(std::move(d));
    }
  }
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (const auto& d : parts_) tokens = d->decode_chain(std::move(tokens));
    return tokens;
  }

 private:
  std::vector<std::unique_ptr<Decoder>> parts_;
};

}  // namespace

std::string clean_up_tokenization(std::string s) {
  replace_all(&s, " .", ".");
  replace_all(&s, " ?", "?");
  replace_all(&s, " !", "!");
  replace_all(&s, " ,", ",");
  replace_all(&s, " ' ", "'");
  replace_all(&s, " n't", "n't");
  replace_all(&s, " 'm", "'m");
  replace_all(&s, " 's", "'s");
  replace_all(&s, " 've", "'ve");
  replace_all(&s, " 're", "'re");
  return s;
}

std::unique_ptr<Decoder> make_decoder(const json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = json_type(j, "decoder");
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "WordPiece") return std::make_unique<WordPieceDecoder>(j);
  if (type == "Metaspace") return std::make_unique<MetaspaceDecoder>(j);
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") return std::make_unique<StripDecoder>(j);
  if (type == "Replace") return std::make_unique<ReplaceDecoder>(j);
  if (type == "BPEDecoder") return std::make_unique<BpeDecoder>(j);
  if (type == "Sequence") return std::make_unique<SequenceDecoder>(j);
  fail(ErrorCode::kUnsupported, "tokenizer.json: unknown decoder type '" + type + "'");
}

}  // namespace pf
