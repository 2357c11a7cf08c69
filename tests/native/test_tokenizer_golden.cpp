// tokenizer.json pipeline against llama.cpp's golden tokenizations: the GPT-2
// and BERT tokenizer.json files (converted by tests/reference/
// make_tokenizer_json.py the way transformers' converters do) must
// reproduce ggml-vocab-{gpt-2,bert-bge}.gguf.out exactly.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "test_helpers.h"
#include "tokenizers/tokenizer.h"

namespace {

std::vector<std::string> split_cases(const std::string& text) {
  // llama.cpp's .inp files end every case with "\n__ggml_vocab_test__\n".
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> cases;
  size_t start = 0;
  for (size_t at; (at = text.find(sep, start)) != std::string::npos; start = at + sep.size()) {
    cases.push_back(text.substr(start, at - start));
  }
  return cases;
}

std::vector<std::vector<int32_t>> read_id_lines(const std::string& text) {
  std::vector<std::vector<int32_t>> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream ids(line);
    std::vector<int32_t> row;
    for (int32_t id; ids >> id;) row.push_back(id);
    lines.push_back(row);
  }
  return lines;
}

std::string escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back((char)c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string join(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += " " + std::to_string(id);
  return s;
}

void check_golden(const std::string& tokenizer_dir, const std::string& gguf_name) {
  const std::string json_path = pf_test::testdata_dir() + "/tokenizers/" + tokenizer_dir + "/tokenizer.json";
  const std::string base = pf_test::fixtures_dir() + "/tokenizers/llama.cpp-vocab/" + gguf_name;
  if (!pf_test::file_exists(json_path) || !pf_test::file_exists(base + ".inp")) {
    WARN("SKIP: " << json_path << " or " << base << ".inp missing (run scripts/make-testdata.sh; fixtures in ../shared/fixtures)");
    return;
  }
  const pf::Tokenizer tok = pf::Tokenizer::from_json(pf_test::read_text(json_path));
  const auto cases = split_cases(pf_test::read_text(base + ".inp"));
  const auto expected = read_id_lines(pf_test::read_text(base + ".out"));
  REQUIRE(cases.size() == expected.size());
  REQUIRE(cases.size() > 30);
  pf::EncodeOptions options;
  options.add_special_tokens = false;
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::vector<int32_t> got = tok.encode(cases[i], nullptr, options).ids;
    if (got != expected[i]) {
      FAIL("case " << i << " \"" << escape(cases[i]) << "\"\n  expected:" << join(expected[i])
                   << "\n  got:     " << join(got));
    }
  }
}

}  // namespace

TEST_CASE("tokenizer.json GPT-2 matches llama.cpp's golden ids", "[tokenizer][golden]") {
  check_golden("gpt2", "ggml-vocab-gpt-2.gguf");
}

TEST_CASE("tokenizer.json BERT matches llama.cpp's golden ids", "[tokenizer][golden]") {
  check_golden("bert-base-uncased", "ggml-vocab-bert-bge.gguf");
}

TEST_CASE("vocab.txt / encoder.json+vocab.bpe loaders equal their tokenizer.json", "[tokenizer][golden]") {
  const std::string fx = pf_test::fixtures_dir() + "/tokenizers/";
  const std::string td = pf_test::testdata_dir() + "/tokenizers/";
  if (!pf_test::file_exists(fx + "gpt2/encoder.json") || !pf_test::file_exists(td + "gpt2/tokenizer.json")) {
    WARN("SKIP: GPT-2 / BERT fixtures or generated tokenizer.json missing");
    return;
  }
  const auto cases = split_cases(pf_test::read_text(fx + "llama.cpp-vocab/ggml-vocab-gpt-2.gguf.inp"));
  const pf::Tokenizer gpt2_json = pf::Tokenizer::from_json(pf_test::read_text(td + "gpt2/tokenizer.json"));
  const pf::Tokenizer gpt2_files = pf::Tokenizer::from_bpe_files(pf_test::read_text(fx + "gpt2/encoder.json"),
                                                                 pf_test::read_text(fx + "gpt2/vocab.bpe"));
  const pf::Tokenizer bert_json = pf::Tokenizer::from_json(pf_test::read_text(td + "bert-base-uncased/tokenizer.json"));
  const pf::Tokenizer bert_txt = pf::Tokenizer::from_vocab_txt(pf_test::read_text(fx + "bert-base-uncased/vocab.txt"));
  for (const std::string& text : cases) {
    const std::string_view pair = "a second text";
    pf::EncodeOptions o;
    CHECK(gpt2_json.encode(text, &pair, o).ids == gpt2_files.encode(text, &pair, o).ids);
    CHECK(bert_json.encode(text, &pair, o).ids == bert_txt.encode(text, &pair, o).ids);
    CHECK(bert_json.encode(text, &pair, o).type_ids == bert_txt.encode(text, &pair, o).type_ids);
  }
  CHECK(gpt2_json.vocab_size() == 50257);
  CHECK(bert_json.vocab_size() == 30522);
}
