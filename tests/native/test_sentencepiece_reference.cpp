// SentencePieceTokenizer against python sentencepiece (the reference
// library) and llama.cpp's golden tokenizations. The data comes from
// tests/reference/spm_reference.py (scripts/make-testdata.sh): for each
// model, seeded random strings with the ids sentencepiece encodes them to
// and the text it decodes them back to, plus random id sequences and their
// decoded text. Every case must agree; the first mismatch fails and prints.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_helpers.h"
#include "tokenizers/sentencepiece.h"
#include "tokenizers/sentencepiece_model.h"

namespace {

using nlohmann::json;

std::string spm_dir() { return pf_test::testdata_dir() + "/spm"; }

std::string show_ids(const std::vector<int32_t>& ids) {
  std::ostringstream s;
  for (size_t i = 0; i < ids.size(); ++i) s << (i ? " " : "") << ids[i];
  return s.str();
}

std::string escaped(const std::string& text) {
  std::string out = json(text).dump(-1, ' ', false, json::error_handler_t::replace);
  if (out.size() > 600) out = out.substr(0, 600) + "...(" + std::to_string(text.size()) + " bytes)";
  return out;
}

// Where two id lists first differ, with a little context.
std::string first_difference(const std::vector<int32_t>& want, const std::vector<int32_t>& got) {
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  const size_t from = i >= 4 ? i - 4 : 0;
  const auto window = [&](const std::vector<int32_t>& v) {
    return show_ids(std::vector<int32_t>(v.begin() + std::min(from, v.size()),
                                         v.begin() + std::min(i + 6, v.size())));
  };
  return "first difference at index " + std::to_string(i) + " (of " + std::to_string(want.size()) +
         " vs " + std::to_string(got.size()) + ")\n  sentencepiece: ..." + window(want) +
         "\n  ours:          ..." + window(got);
}

struct Agreement {
  size_t encoded = 0;
  size_t offsets = 0;
  size_t decoded = 0;
};

// Runs every case of a .jsonl file; REQUIREs stop at the first mismatch.
Agreement check_cases(const pf::SentencePieceTokenizer& tok, const std::string& jsonl) {
  std::ifstream in(jsonl);
  REQUIRE(in.good());
  Agreement agreed;
  size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    const json c = json::parse(line);
    INFO(jsonl << ":" << line_no);
    if (c.contains("text")) {
      const std::string text = c["text"].get<std::string>();
      const std::vector<int32_t> want = c["ids"].get<std::vector<int32_t>>();
      const std::vector<int32_t> got = tok.encode(text, false, false);
      INFO("text " << escaped(text));
      INFO("normalized " << escaped(tok.normalize(text)));
      INFO("(" << agreed.encoded << " cases agreed before this one)");
      if (got != want) FAIL(first_difference(want, got));
      ++agreed.encoded;
      if (c.contains("offsets")) {
        const auto want_offsets = c["offsets"].get<std::vector<std::vector<uint32_t>>>();
        const auto tokens = tok.encode_with_offsets(text);
        REQUIRE(tokens.size() == want_offsets.size());
        for (size_t i = 0; i < tokens.size(); ++i) {
          if (tokens[i].begin != want_offsets[i][0] || tokens[i].end != want_offsets[i][1]) {
            FAIL("offsets of token " << i << " (id " << tokens[i].id << "): sentencepiece ["
                                     << want_offsets[i][0] << ", " << want_offsets[i][1] << "), ours ["
                                     << tokens[i].begin << ", " << tokens[i].end << ")");
          }
        }
        ++agreed.offsets;
      }
    }
    const std::vector<int32_t> ids = c[c.contains("ids") ? "ids" : "decode_ids"].get<std::vector<int32_t>>();
    const std::string want_text = c["decoded"].get<std::string>();
    const std::string got_text = tok.decode(ids, true);
    if (got_text != want_text) {
      FAIL("decode of " << (ids.size() > 40 ? std::to_string(ids.size()) + " ids" : show_ids(ids))
                        << "\n  sentencepiece: " << escaped(want_text) << "\n  ours:          " << escaped(got_text));
    }
    ++agreed.decoded;
  }
  return agreed;
}

bool have(const std::string& path) {
  if (pf_test::file_exists(path)) return true;
  WARN("skipping: " << path << " not found (run scripts/make-testdata.sh; needs ../shared/fixtures)");
  return false;
}

pf::SentencePieceTokenizer load_model(const std::string& path) {
  const auto bytes = pf_test::read_bytes(path);
  return pf::SentencePieceTokenizer::from_model_proto(bytes.data(), bytes.size());
}

void report(const std::string& name, const Agreement& a) {
  WARN(name << ": " << a.encoded << " encodings (" << a.offsets << " with offsets) and " << a.decoded
            << " decodings identical to python sentencepiece");
  CHECK(a.encoded >= 5000);
  CHECK(a.offsets >= 5000);
}

std::vector<std::string> split_cases(const std::string& text) {
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> cases;
  size_t start = 0;
  for (size_t at; (at = text.find(sep, start)) != std::string::npos; start = at + sep.size()) {
    cases.push_back(text.substr(start, at - start));
  }
  return cases;
}

}  // namespace

TEST_CASE("SentencePiece reference: Unigram test_model.model (nmt_nfkc)", "[sentencepiece][reference]") {
  const std::string model = pf_test::fixtures_dir() + "/tokenizers/sentencepiece/test_model.model";
  const std::string cases = spm_dir() + "/test_model.jsonl";
  if (!have(model) || !have(cases)) return;
  const auto tok = load_model(model);
  CHECK(tok.vocab_size() == 1000);
  CHECK(tok.options().model_type == pf::SentencePieceTokenizer::ModelType::kUnigram);
  CHECK(tok.bos_id() == 1);
  CHECK(tok.eos_id() == 2);
  CHECK(tok.pad_id() == -1);
  report("test_model", check_cases(tok, cases));
}

TEST_CASE("SentencePiece reference: Unigram test_ja_model.model", "[sentencepiece][reference]") {
  const std::string model = pf_test::fixtures_dir() + "/tokenizers/sentencepiece/test_ja_model.model";
  const std::string cases = spm_dir() + "/test_ja_model.jsonl";
  if (!have(model) || !have(cases)) return;
  report("test_ja_model", check_cases(load_model(model), cases));
}

TEST_CASE("SentencePiece reference: Llama 2 BPE vocab (from llama.cpp's GGUF)", "[sentencepiece][reference]") {
  const std::string model = spm_dir() + "/llama-spm.model";
  const std::string cases = spm_dir() + "/llama-spm.jsonl";
  if (!have(model) || !have(cases)) return;
  const auto tok = load_model(model);
  CHECK(tok.vocab_size() == 32000);
  CHECK(tok.options().model_type == pf::SentencePieceTokenizer::ModelType::kBpe);
  report("llama-spm (.model)", check_cases(tok, cases));

  // The same vocab through from_pieces, the way GGUF tokenizer.ggml.* arrays arrive.
  const auto bytes = pf_test::read_bytes(model);
  pf::SentencePieceModelProto proto = pf::parse_sentencepiece_model(bytes.data(), bytes.size());
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<int32_t> types;
  for (auto& p : proto.pieces) {
    pieces.push_back(p.piece);
    scores.push_back(p.score);
    types.push_back(p.type);
  }
  pf::SentencePieceTokenizer::Options options;  // the defaults are Llama's
  options.bos_id = 1;
  options.eos_id = 2;
  const auto from_arrays = pf::SentencePieceTokenizer::from_pieces(pieces, scores, types, options);
  report("llama-spm (from_pieces)", check_cases(from_arrays, cases));

  // llama.cpp's golden tokenizations (test-tokenizer-0: no BOS, dummy prefix on).
  const std::string dir = pf_test::fixtures_dir() + "/tokenizers/llama.cpp-vocab/";
  const auto inputs = split_cases(pf_test::read_text(dir + "ggml-vocab-llama-spm.gguf.inp"));
  std::istringstream out(pf_test::read_text(dir + "ggml-vocab-llama-spm.gguf.out"));
  size_t matched = 0;
  for (const std::string& text : inputs) {
    std::string line;
    REQUIRE(std::getline(out, line));
    std::istringstream ids_in(line);
    std::vector<int32_t> want;
    for (int32_t id; ids_in >> id;) want.push_back(id);
    INFO("text " << escaped(text));
    REQUIRE(show_ids(tok.encode(text, false, false)) == show_ids(want));
    REQUIRE(show_ids(from_arrays.encode(text, false, false)) == show_ids(want));
    ++matched;
  }
  CHECK(matched == inputs.size());
  CHECK(matched >= 40);
  WARN("llama-spm: " << matched << "/" << inputs.size() << " llama.cpp golden tokenizations identical");
}

TEST_CASE("SentencePiece reference: llama2.c tok512.bin", "[sentencepiece][reference][llama2c]") {
  const std::string bin = pf_test::fixtures_dir() + "/models/stories260K/tok512.bin";
  const std::string model = spm_dir() + "/tok512.model";
  const std::string cases = spm_dir() + "/tok512.jsonl";
  if (!have(bin) || !have(model) || !have(cases)) return;
  // Python sentencepiece ran on tok512.bin rewritten as a BPE .model; both
  // our .model path and our llama2.c path must agree with it.
  report("tok512 (.model)", check_cases(load_model(model), cases));
  const auto bytes = pf_test::read_bytes(bin);
  report("tok512 (from_llama2c)",
         check_cases(pf::SentencePieceTokenizer::from_llama2c(bytes.data(), bytes.size(), 512), cases));
}

TEST_CASE("SentencePiece reference: unused and user-defined pieces", "[sentencepiece][reference]") {
  // spm_reference.py turns 15% of the multi-character pieces into UNUSED and
  // appends USER_DEFINED pieces, for a BPE (tok512) and a Unigram model.
  for (const char* name : {"tok512-special", "test_model-special"}) {
    const std::string model = spm_dir() + "/" + name + ".model";
    const std::string cases = spm_dir() + "/" + name + ".jsonl";
    if (!have(model) || !have(cases)) return;
    const auto tok = load_model(model);
    CHECK(tok.piece_type(tok.piece_to_id("<mask>")) == pf::SpmPieceType::kUserDefined);
    report(name, check_cases(tok, cases));
  }
}
