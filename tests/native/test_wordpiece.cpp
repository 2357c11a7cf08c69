#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_helpers.h"
#include "tokenizers/wordpiece.h"

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

}  // namespace

TEST_CASE("WordPiece: basic splitting, lowercasing, accents, unknowns") {
  const auto tok = pf::WordPieceTokenizer::from_vocab_txt(
      "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n!\n,\ncafe\nplay\n##ing\n##s\n");
  CHECK(tok.pre_tokenize("Hello,  WORLD!") == std::vector<std::string>{"hello", ",", "world", "!"});
  CHECK(tok.tokenize_ids("Café playings") == std::vector<int32_t>{8, 9, 10, 11});
  CHECK(tok.tokenize_ids("playx") == std::vector<int32_t>{1});
  CHECK(tok.encode("hello world", 3) == std::vector<int32_t>{2, 4, 3});
  CHECK(tok.encode("", 8) == std::vector<int32_t>{2, 3});
  CHECK(tok.tokenize_ids(std::string(101, 'a')) == std::vector<int32_t>{1});
  // Invalid UTF-8 and control characters are dropped, not passed through.
  CHECK(tok.tokenize_ids(std::string("hello\xff\x01 world")) == std::vector<int32_t>{4, 5});
  CHECK(tok.tokenize_ids(std::string("hello\xffworld")) == std::vector<int32_t>{1});
}

TEST_CASE("WordPiece: vocab without special tokens is rejected") {
  CHECK_THROWS_AS(pf::WordPieceTokenizer::from_vocab_txt("a\nb\n"), pf::Error);
  CHECK_THROWS_AS(pf::WordPieceTokenizer::from_vocab_txt(""), pf::Error);
}

TEST_CASE("WordPiece: bert-base-uncased matches llama.cpp's golden tokenizations") {
  const std::string dir = pf_test::fixtures_dir();
  const std::string vocab_path = dir + "/tokenizers/bert-base-uncased/vocab.txt";
  const std::string inp = dir + "/tokenizers/llama.cpp-vocab/ggml-vocab-bert-bge.gguf.inp";
  if (!pf_test::file_exists(vocab_path) || !pf_test::file_exists(inp)) {
    WARN("SKIPPED: fixtures not found under " << dir << " (set POCKETFORMER_FIXTURES)");
    return;
  }
  const auto tok = pf::WordPieceTokenizer::from_vocab_txt(pf_test::read_text(vocab_path));
  REQUIRE(tok.vocab_size() == 30522);
  const auto cases = split_cases(pf_test::read_text(inp));
  const auto expected =
      read_id_lines(pf_test::read_text(dir + "/tokenizers/llama.cpp-vocab/ggml-vocab-bert-bge.gguf.out"));
  REQUIRE(cases.size() == expected.size());
  REQUIRE(cases.size() >= 40);
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i << ": '" << cases[i] << "'");
    REQUIRE(tok.tokenize_ids(cases[i]) == expected[i]);
  }
}
