// tokenizer.json Unigram models and the Precompiled normalizer. Expected
// values are what Hugging Face's Rust tokenizers (npm 'tokenizers' 0.23.2)
// returns for the same files; tests/js/tokenizer-unigram.test.mjs compares
// the two on thousands of random strings.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_helpers.h"
#include "tokenizers/tokenizer.h"

using nlohmann::json;

namespace {

pf::Tokenizer unigram(const json& vocab, bool byte_fallback) {
  const json root = {{"version", "1.0"}, {"added_tokens", json::array()}, {"normalizer", nullptr},
                     {"pre_tokenizer", nullptr}, {"post_processor", nullptr}, {"decoder", nullptr},
                     {"model", {{"type", "Unigram"}, {"unk_id", 0}, {"vocab", vocab}, {"byte_fallback", byte_fallback}}}};
  return pf::Tokenizer::from_json(root.dump());
}

struct Tok {
  int32_t id;
  uint32_t begin, end;
  bool operator==(const Tok& o) const { return id == o.id && begin == o.begin && end == o.end; }
};

std::vector<Tok> tokens(const pf::Tokenizer& t, const std::string& text) {
  pf::EncodeOptions o;
  o.add_special_tokens = false;
  const pf::Encoding e = t.encode(text, nullptr, o);
  std::vector<Tok> out;
  for (size_t i = 0; i < e.size(); ++i) out.push_back({e.ids[i], e.offsets[i].begin, e.offsets[i].end});
  return out;
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<Tok> {
  static std::string convert(const Tok& t) {
    return "{" + std::to_string(t.id) + " [" + std::to_string(t.begin) + "," + std::to_string(t.end) + ")}";
  }
};
}  // namespace Catch

TEST_CASE("Unigram tokenizer.json: unknown runs fuse, then byte fallback covers the whole run", "[tokenizer][unigram]") {
  const json vocab = json::array({json::array({"<unk>", 0}), json::array({"a", -1}), json::array({"<0x62>", -2}),
                                  json::array({"<0x63>", -2}), json::array({"<0xC3>", -2}), json::array({"<0xA9>", -2})});
  const pf::Tokenizer bf = unigram(vocab, true);
  const pf::Tokenizer plain = unigram(vocab, false);
  // "bc" is one unknown run; both bytes have pieces, each token spans the run.
  CHECK(tokens(bf, "abc") == std::vector<Tok>{{1, 0, 1}, {2, 1, 3}, {3, 1, 3}});
  // 'd' has no byte piece: the whole run "bd" becomes one unk.
  CHECK(tokens(bf, "abd") == std::vector<Tok>{{1, 0, 1}, {0, 1, 3}});
  CHECK(tokens(plain, "abc") == std::vector<Tok>{{1, 0, 1}, {0, 1, 3}});
  CHECK(tokens(bf, "a\xC3\xA9") == std::vector<Tok>{{1, 0, 1}, {4, 1, 3}, {5, 1, 3}});
  // Every piece is matchable by its text, byte pieces included.
  CHECK(tokens(bf, "x<0x62>") == std::vector<Tok>{{0, 0, 1}, {2, 1, 7}});
  CHECK(bf.decode({1, 2, 3}, false) == "a <0x62> <0x63>");  // no decoder: tokens joined by spaces
}

TEST_CASE("Precompiled normalizer: sentencepiece's charsmap with Hugging Face's offsets", "[tokenizer][unigram]") {
  const std::string path = pf_test::testdata_dir() + "/tokenizers/spm-t5-style/tokenizer.json";
  if (!pf_test::file_exists(path)) {
    WARN("skipped: " << path << " missing (bash scripts/make-testdata.sh with ../shared/fixtures)");
    return;
  }
  const pf::Tokenizer t = pf::Tokenizer::from_json(pf_test::read_text(path));
  // U+FB01 (fi ligature) expands to "fi"; e + U+0301 composes to é, which
  // keeps only the e's span (HF drops the removed character's alignment);
  // U+216B (roman twelve) becomes "XII", all three on its span.
  const std::string text = "\xEF\xAC\x81ne e\xCC\x81 \xE2\x85\xAB";
  CHECK(tokens(t, text) == std::vector<Tok>{{706, 0, 5}, {4, 5, 6}, {0, 6, 7}, {4, 9, 10},
                                            {0, 10, 13}, {100, 10, 13}, {100, 10, 13}});
  pf::EncodeOptions o;
  CHECK(t.encode(text, nullptr, o).ids.back() == 2);  // </s> from the T5 template
}

TEST_CASE("Unigram / Precompiled: malformed parts fail with a code", "[tokenizer][unigram]") {
  auto code_of = [](const json& model, const json& normalizer) {
    const json root = {{"normalizer", normalizer}, {"model", model}};
    try {
      pf::Tokenizer::from_json(root.dump());
    } catch (const pf::Error& e) {
      return e.code();
    }
    return pf::ErrorCode::kInternal;
  };
  const json vocab = json::array({json::array({"<unk>", 0}), json::array({"a", -1})});
  CHECK(code_of({{"type", "Unigram"}, {"vocab", vocab}}, nullptr) == pf::ErrorCode::kUnsupported);
  CHECK(code_of({{"type", "Unigram"}, {"unk_id", 2}, {"vocab", vocab}}, nullptr) == pf::ErrorCode::kCorruptModel);
  CHECK(code_of({{"type", "Unigram"}, {"unk_id", 0}, {"vocab", json::array({json::array({"<unk>"})})}}, nullptr) ==
        pf::ErrorCode::kCorruptModel);
  CHECK(code_of({{"type", "Unigram"}, {"unk_id", 0}, {"vocab", json::array({json::array({"<unk>", 0}), json::array({"a", 0}), json::array({"a", 0})})}},
                nullptr) == pf::ErrorCode::kCorruptModel);
  const json model = {{"type", "Unigram"}, {"unk_id", 0}, {"vocab", vocab}};
  CHECK(code_of(model, {{"type", "Precompiled"}, {"precompiled_charsmap", "@@@="}}) == pf::ErrorCode::kCorruptModel);
  CHECK(code_of(model, {{"type", "Precompiled"}, {"precompiled_charsmap", "AAAA"}}) == pf::ErrorCode::kCorruptModel);
  CHECK(code_of(model, {{"type", "Precompiled"}, {"precompiled_charsmap", 5}}) == pf::ErrorCode::kCorruptModel);
  CHECK(code_of(model, {{"type", "Precompiled"}}) == pf::ErrorCode::kCorruptModel);
}
