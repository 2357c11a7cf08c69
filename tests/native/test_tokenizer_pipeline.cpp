// Unit tests of the tokenizer.json pipeline pieces on small hand-written
// tokenizers whose expected output is worked out by hand in the comments:
// the regex engine, offsets, added-token flags, truncation / padding,
// normalizers, and hostile files / input bytes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "tokenizers/regex.h"
#include "tokenizers/tokenizer.h"
#include "tokenizers/utf8_text.h"

using nlohmann::json;

namespace {

std::vector<std::string> matches(const char* pattern, const std::string& text) {
  std::vector<std::string> out;
  for (const pf::Span& s : pf::Regex(pattern).find_all(text)) out.push_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

pf::ErrorCode load_error(const std::string& text) {
  try {
    pf::Tokenizer::from_json(text);
  } catch (const pf::Error& e) {
    return e.code();
  }
  FAIL("no error for " << text);
  return pf::ErrorCode::kInternal;
}

json wordpiece_model(const std::vector<std::string>& tokens) {
  json vocab = json::object();
  for (size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
  return {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"continuing_subword_prefix", "##"},
          {"max_input_chars_per_word", 100}, {"vocab", vocab}};
}

json added(int id, const char* content, bool special, bool lstrip, bool rstrip, bool single_word) {
  return {{"id", id}, {"content", content}, {"special", special}, {"lstrip", lstrip}, {"rstrip", rstrip},
          {"single_word", single_word}, {"normalized", !special}};
}

// A byte-level BPE over the 256 byte characters plus a few merges.
json byte_level_tokenizer() {
  json vocab = json::object();
  for (int b = 0; b < 256; ++b) vocab[pf::utf8::byte_char_utf8((uint8_t)b)] = b;
  const std::string G = pf::utf8::byte_char_utf8(' ');  // "Ġ"
  std::vector<std::pair<std::string, std::string>> merges = {{"h", "e"}, {"he", "l"}, {"hel", "l"}, {"hell", "o"},
                                                             {G, "w"}, {G + "w", "o"}};
  json m = json::array();
  for (auto& [a, b] : merges) {
    vocab[a + b] = vocab.size();
    m.push_back({a, b});
  }
  return {{"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", m}}},
          {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
          {"post_processor", {{"type", "ByteLevel"}, {"trim_offsets", true}}},
          {"decoder", {{"type", "ByteLevel"}}},
          {"added_tokens", json::array({added(1000, "<|x|>", true, false, false, false)})}};
}

}  // namespace

TEST_CASE("regex engine: tokenizer patterns, quantifiers, lookahead, case folding", "[tokenizer][regex]") {
  const char* gpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
  // "  x": \s+ backs off one space so the second space joins " x".
  CHECK(matches(gpt2, "Hello world  x's!!\n") ==
        std::vector<std::string>{"Hello", " world", " ", " x", "'s", "!!", "\n"});
  CHECK(matches(R"(\p{N}{1,3})", "12345") == std::vector<std::string>{"123", "45"});
  CHECK(matches(R"((?i:'s|'ll))", "IT'S WE'LL") == std::vector<std::string>{"'S", "'LL"});
  CHECK(matches(R"([^\r\n\p{L}\p{N}]?\p{L}+)", "¿Qué?") == std::vector<std::string>{"¿Qué"});
  CHECK(matches(R"(\s*[\r\n]+)", "a \n\nb") == std::vector<std::string>{" \n\n"});
  CHECK(matches(R"([\p{Lu}\p{Lt}]+[\p{Ll}]*)", "HTTPServer") == std::vector<std::string>{"HTTPServer"});
  CHECK(matches(R"(a+?b)", "aaab") == std::vector<std::string>{"aaab"});
  CHECK(matches(R"(\x{4e2d}|\u6587)", "中文") == std::vector<std::string>{"中", "文"});
  CHECK(matches(R"(^a|b$)", "ab") == std::vector<std::string>{"a", "b"});
  for (const char* bad : {"(?<=a)b", "[[:alpha:]]", "a{2,1}", "(a", "a)", "\\p{Han}", "a++", "[a&&b]", "\\q", "*a"}) {
    INFO(bad);
    CHECK_THROWS_AS(pf::Regex(bad), pf::Error);
  }
  // A pathological pattern is an error, not a hang.
  CHECK_THROWS_AS(pf::Regex("(a*)*b").find_all(std::string(5000, 'a')), pf::Error);
}

TEST_CASE("BERT pipeline: offsets into the original text, pairs, truncation, padding", "[tokenizer]") {
  const pf::Tokenizer tok = pf::Tokenizer::from_vocab_txt(
      "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n,\n!\ncafe\nplay\n##ing\n中\n");
  pf::EncodeOptions o;
  const pf::Encoding e = tok.encode("Hello, WORLD! Café playing中", nullptr, o);
  // [CLS] hello , world ! cafe play ##ing 中 [SEP]
  CHECK(e.ids == std::vector<int32_t>{2, 5, 7, 6, 8, 9, 10, 11, 12, 3});
  const std::vector<std::pair<uint32_t, uint32_t>> want = {{0, 0}, {0, 5}, {5, 6}, {7, 12}, {12, 13}, {14, 19},
                                                           {20, 24}, {24, 27}, {27, 30}, {0, 0}};
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(i);
    CHECK(e.offsets[i].begin == want[i].first);
    CHECK(e.offsets[i].end == want[i].second);
  }
  CHECK(e.special_tokens_mask == std::vector<int32_t>{1, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  CHECK(tok.decode(e.ids, true) == "hello, world! cafe playing 中");
  CHECK(tok.decode(e.ids, false) == "[CLS] hello, world! cafe playing 中 [SEP]");

  const std::string_view pair = "world world";
  pf::EncodeOptions t;
  t.max_length = 7;  // 3 specials + 4: the shorter pair (2) fits in half, the first keeps 2
  const pf::Encoding p = tok.encode("hello hello hello hello hello", &pair, t);
  CHECK(p.ids == std::vector<int32_t>{2, 5, 5, 3, 6, 6, 3});
  CHECK(p.type_ids == std::vector<int32_t>{0, 0, 0, 0, 1, 1, 1});
  t.max_length = 6;  // both longer than half (1.5): first gets 2, second 1
  CHECK(tok.encode("hello hello hello", &pair, t).ids == std::vector<int32_t>{2, 5, 5, 3, 6, 3});
  t.truncation = pf::EncodeOptions::Truncation::kOnlySecond;
  t.max_length = 5;  // 3 specials + 2 for the first leaves nothing for "world world" minus... 0 kept
  CHECK(tok.encode("hello hello", &pair, t).ids == std::vector<int32_t>{2, 5, 5, 3, 3});
  t.max_length = 4;
  CHECK_THROWS_AS(tok.encode("hello hello", &pair, t), pf::Error);
  t.max_length = 2;
  t.truncation = pf::EncodeOptions::Truncation::kLongestFirst;
  CHECK_THROWS_AS(tok.encode("hello", &pair, t), pf::Error);  // below the 3 special tokens

  pf::EncodeOptions pad;
  pad.padding = pf::EncodeOptions::Padding::kMaxLength;
  pad.pad_length = 6;
  pad.pad_left = true;
  const pf::Encoding padded = tok.encode("hello", nullptr, pad);
  CHECK(padded.ids == std::vector<int32_t>{0, 0, 0, 2, 5, 3});
  CHECK(padded.attention_mask == std::vector<int32_t>{0, 0, 0, 1, 1, 1});
  pf::EncodeOptions longest;
  longest.padding = pf::EncodeOptions::Padding::kLongest;
  longest.pad_to_multiple_of = 4;
  const auto batch = tok.encode_batch({"hello", "hello world world world"}, nullptr, longest);
  CHECK(batch[0].ids.size() == 8);
  CHECK(batch[1].ids.size() == 8);
  CHECK(batch[0].attention_mask == std::vector<int32_t>{1, 1, 1, 0, 0, 0, 0, 0});
}

TEST_CASE("added tokens: lstrip, rstrip, single_word, special skipping", "[tokenizer]") {
  json j = {{"model", wordpiece_model({"[UNK]", "a", "b", "##s", "##w", "[CLS]"})},
            {"normalizer", {{"type", "Lowercase"}}},
            {"pre_tokenizer", {{"type", "WhitespaceSplit"}}},
            {"decoder", {{"type", "WordPiece"}}},
            {"added_tokens", json::array({added(6, "<m>", true, true, false, false), added(7, "<r>", true, false, true, false),
                                          added(8, "sw", false, false, false, true)})}};
  const pf::Tokenizer tok = pf::Tokenizer::from_json(j.dump());
  pf::EncodeOptions o;
  pf::Encoding e = tok.encode("a  <m> b", nullptr, o);
  CHECK(e.ids == std::vector<int32_t>{1, 6, 2});
  CHECK(e.offsets[1].begin == 1);  // lstrip: the match takes the spaces on its left
  CHECK(e.offsets[1].end == 6);
  e = tok.encode("a <r>  b", nullptr, o);
  CHECK(e.ids == std::vector<int32_t>{1, 7, 2});
  CHECK(e.offsets[1].begin == 2);
  CHECK(e.offsets[1].end == 7);  // rstrip: and the spaces on its right
  CHECK(tok.encode("a SW b", nullptr, o).ids == std::vector<int32_t>{1, 8, 2});  // normalized token, lowercased text
  CHECK(tok.encode("asw b", nullptr, o).ids == std::vector<int32_t>{1, 3, 4, 2});  // single_word: not inside a word
  CHECK(tok.encode("a<m>b", nullptr, o).ids == std::vector<int32_t>{1, 6, 2});
  CHECK(tok.decode({1, 6, 2, 8}, true) == "a b sw");
  CHECK(tok.token_to_id("<r>") == 7);
  CHECK(tok.id_to_token(8) == "sw");
  CHECK(tok.is_special_id(6));
  CHECK(!tok.is_special_id(8));
}

TEST_CASE("byte-level BPE: merges, offsets of split characters, invalid UTF-8", "[tokenizer]") {
  const pf::Tokenizer tok = pf::Tokenizer::from_json(byte_level_tokenizer().dump());
  pf::EncodeOptions o;
  const std::string G = pf::utf8::byte_char_utf8(' ');
  pf::Encoding e = tok.encode("hello world", nullptr, o);
  REQUIRE(e.tokens.size() == 5);
  CHECK(e.tokens[0] == "hello");
  CHECK(e.tokens[1] == G + "wo");
  // trim_offsets: " wo" reports just "wo".
  CHECK(e.offsets[1].begin == 6);
  CHECK(e.offsets[1].end == 8);
  // é is two bytes, two tokens, each reporting the whole character.
  e = tok.encode("é", nullptr, o);
  REQUIRE(e.ids.size() == 2);
  CHECK(e.offsets[0].begin == 0);
  CHECK(e.offsets[0].end == 2);
  CHECK(e.offsets[1].begin == 0);
  CHECK(e.offsets[1].end == 2);
  CHECK(tok.decode(e.ids, false) == "é");
  // Invalid bytes read as U+FFFD (EF BF BD), each aligned to its own byte.
  const std::string bad = "\xff" "a\xc3";
  e = tok.encode(bad, nullptr, o);
  CHECK(e.ids.size() == 7);
  CHECK(e.offsets[0].begin == 0);
  CHECK(e.offsets[0].end == 1);
  CHECK(e.offsets[6].begin == 2);
  CHECK(e.offsets[6].end == 3);
  CHECK(tok.decode(e.ids, false) == "\xEF\xBF\xBD" "a" "\xEF\xBF\xBD");
  // A truncated sequence decodes as one U+FFFD per maximal bad subpart.
  CHECK(tok.decode({0xE2, 0x82, 'a'}, false) == "\xEF\xBF\xBD" "a");
  CHECK(tok.encode("x<|x|>y", nullptr, o).ids == std::vector<int32_t>{'x', 1000, 'y'});
  CHECK(tok.decode({'x', 1000, 'y'}, true) == "xy");
  // Any bytes, any length: no crash, tokens cover the input.
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::string s(1 + rng() % 5000, '\0');
    for (char& c : s) c = (char)(rng() & 0xFF);
    CHECK_NOTHROW(tok.encode(s, nullptr, o));
  }
}

TEST_CASE("normalizers: NFKC, full lowercase, Replace, Strip, Prepend, BertNormalizer", "[tokenizer]") {
  // Normalized text is observed through a char-level BPE with every
  // character of interest in its vocab.
  auto run = [](json normalizer, const std::string& text, const std::vector<std::string>& chars) {
    json vocab = json::object();
    for (const auto& c : chars) vocab[c] = vocab.size();
    json j = {{"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", json::array()}}}, {"normalizer", normalizer}};
    const pf::Tokenizer tok = pf::Tokenizer::from_json(j.dump());
    std::string s;
    for (const std::string& t : tok.encode(text).tokens) s += t;
    return s;
  };
  const std::vector<std::string> chars = {"f", "i", "a", "b", "c", "\xCF\x83", "\xCF\x82", "\xCC\x87", " ", "x", "e",
                                          "\xCC\x81", "\xC3\xA9", "\xE2\x96\x81", "\""};
  CHECK(run({{"type", "NFKC"}}, "\xEF\xAC\x81", chars) == "fi");                       // ﬁ ligature
  CHECK(run({{"type", "NFD"}}, "\xC3\xA9", chars) == "e\xCC\x81");
  CHECK(run({{"type", "NFC"}}, "e\xCC\x81", chars) == "\xC3\xA9");
  CHECK(run({{"type", "Lowercase"}}, "\xCE\xA3\xCE\xA3 \xCE\xA3", chars) == "\xCF\x83\xCF\x82 \xCF\x83");  // ΣΣ Σ -> σς σ
  CHECK(run({{"type", "Lowercase"}}, "\xC4\xB0", chars) == "i\xCC\x87");                  // İ -> i + dot above
  CHECK(run({{"type", "Replace"}, {"pattern", {{"String", "``"}}}, {"content", "\""}}, "``a``", chars) == "\"a\"");
  CHECK(run({{"type", "Replace"}, {"pattern", {{"Regex", " +"}}}, {"content", "x"}}, "a   b c", chars) == "axbxc");
  CHECK(run({{"type", "Strip"}, {"strip_left", true}, {"strip_right", false}}, "  a ", chars) == "a ");
  CHECK(run({{"type", "Prepend"}, {"prepend", "\xE2\x96\x81"}}, "ab", chars) == "\xE2\x96\x81" "ab");
  CHECK(run({{"type", "StripAccents"}}, "e\xCC\x81", chars) == "e");
  CHECK(run({{"type", "Sequence"}, {"normalizers", {{{"type", "NFD"}}, {{"type", "StripAccents"}}}}}, "\xC3\xA9", chars) == "e");
  CHECK(run({{"type", "BertNormalizer"}, {"lowercase", true}}, "A\x01\tB", chars) == "a b");
}

TEST_CASE("hostile tokenizer.json files fail with a coded error naming the part", "[tokenizer]") {
  using pf::ErrorCode;
  const json good = byte_level_tokenizer();
  auto with = [&](const char* key, json value) {
    json j = good;
    j[key] = std::move(value);
    return j.dump();
  };
  CHECK(load_error("not json") == ErrorCode::kCorruptModel);
  CHECK(load_error("[]") == ErrorCode::kCorruptModel);
  CHECK(load_error("{}") == ErrorCode::kCorruptModel);
  CHECK(load_error(with("normalizer", {{"type", "Foo"}})) == ErrorCode::kUnsupported);
  CHECK(load_error(with("normalizer", {{"type", "Precompiled"}, {"precompiled_charsmap", ""}})) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("normalizer", {{"type", "Precompiled"}, {"precompiled_charsmap", nullptr}})) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("pre_tokenizer", {{"type", "Split"}, {"pattern", {{"Regex", "(?<=x)"}}}})) == ErrorCode::kUnsupported);
  CHECK(load_error(with("pre_tokenizer", {{"type", "Split"}})) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("decoder", {{"type", "CTC"}})) == ErrorCode::kUnsupported);
  CHECK(load_error(with("post_processor", {{"type", "TemplateProcessing"}, {"single", 3}})) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("added_tokens", "x")) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("added_tokens", json::array({{{"id", -1}, {"content", "a"}}}))) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("model", {{"type", "Unigram"}})) == ErrorCode::kCorruptModel);  // no vocab
  CHECK(load_error(with("model", {{"type", "WordLevel"}})) == ErrorCode::kUnsupported);
  CHECK(load_error(with("model", {{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", {"a b"}}})) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("model", {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 0}}}, {"merges", json::array()}})) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("model", {{"type", "BPE"}, {"vocab", {{"a", "x"}}}, {"merges", json::array()}})) == ErrorCode::kCorruptModel);
  CHECK(load_error(with("model", {{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", json::array()}, {"dropout", 0.1}})) == ErrorCode::kUnsupported);
  CHECK(load_error(with("model", {{"type", "WordPiece"}, {"vocab", {{"a", 0}}}})) == ErrorCode::kCorruptModel);  // no [UNK]
  try {
    pf::Tokenizer::from_json(with("pre_tokenizer", {{"type", "Nope"}}));
  } catch (const pf::Error& e) {
    CHECK(std::string(e.what()).find("Nope") != std::string::npos);
  }
}

TEST_CASE("overflowing windows: stride overlap, both directions, pairs, padding", "[tokenizer]") {
  // vocab: [PAD]0 [UNK]1 [CLS]2 [SEP]3 [MASK]4 a5 b6 c7 d8 e9 f10 g11 h12
  const pf::Tokenizer tok = pf::Tokenizer::from_vocab_txt("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\nc\nd\ne\nf\ng\nh\n");
  auto windows = [](const pf::Encoding& e) {
    std::vector<std::vector<int32_t>> out = {e.ids};
    for (const pf::Encoding& w : e.overflowing) out.push_back(w.ids);
    return out;
  };
  pf::EncodeOptions o;
  o.max_length = 5;  // [CLS] + 3 + [SEP]
  o.stride = 1;
  o.return_overflowing = true;
  // 7 tokens in windows of 3 starting every 2 (tokenizers' Encoding::truncate).
  CHECK(windows(tok.encode("a b c d e f g", nullptr, o)) ==
        std::vector<std::vector<int32_t>>{{2, 5, 6, 7, 3}, {2, 7, 8, 9, 3}, {2, 9, 10, 11, 3}});
  o.truncate_left = true;  // from the end
  CHECK(windows(tok.encode("a b c d e f g", nullptr, o)) ==
        std::vector<std::vector<int32_t>>{{2, 9, 10, 11, 3}, {2, 7, 8, 9, 3}, {2, 5, 6, 7, 3}});
  o.truncate_left = false;
  o.return_overflowing = false;  // without it: the first window only
  CHECK(windows(tok.encode("a b c d e f g", nullptr, o)) == std::vector<std::vector<int32_t>>{{2, 5, 6, 7, 3}});
  // A pair, only_second (question answering): the question in every window;
  // the same as tokenizers gives.
  o.return_overflowing = true;
  o.max_length = 8;
  o.truncation = pf::EncodeOptions::Truncation::kOnlySecond;
  const std::string_view context = "c d e f g h";
  CHECK(windows(tok.encode("a b", &context, o)) ==
        std::vector<std::vector<int32_t>>{{2, 5, 6, 3, 7, 8, 9, 3}, {2, 5, 6, 3, 9, 10, 11, 3}, {2, 5, 6, 3, 11, 12, 3}});
  // Padding reaches every window.
  o.padding = pf::EncodeOptions::Padding::kMaxLength;
  const pf::Encoding padded = tok.encode("a b", &context, o);
  CHECK(padded.overflowing.back().ids == std::vector<int32_t>{2, 5, 6, 3, 11, 12, 3, 0});
  CHECK(padded.overflowing.back().attention_mask == std::vector<int32_t>{1, 1, 1, 1, 1, 1, 1, 0});
  // A stride as long as a window cannot advance.
  o.stride = 3;
  CHECK_THROWS_AS(tok.encode("a b", &context, o), pf::Error);
}
