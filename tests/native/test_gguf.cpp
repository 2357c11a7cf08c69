// GGUF reader: the generated files (tests/reference/make_gguf_testdata.py,
// written by an independent Python writer), the hostile variants, and the
// real vocab-only GGUFs from llama.cpp in ../shared/fixtures.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "formats/gguf.h"
#include "test_helpers.h"

namespace {

std::string gguf_dir() { return pf_test::testdata_dir() + "/gguf"; }

std::vector<uint8_t> read_required(const std::string& path) {
  if (!pf_test::file_exists(path)) FAIL(path << " is missing: run scripts/make-testdata.sh");
  return pf_test::read_bytes(path);
}

// "" when parsing succeeds, else "<CODE>: <message>".
std::string parse_error(const std::vector<uint8_t>& bytes, const std::string& name = "t.gguf") {
  try {
    pf::GgufFile::parse(bytes.data(), bytes.size(), name);
  } catch (const pf::Error& e) {
    return std::string(pf::error_code_name(e.code())) + ": " + e.what();
  }
  return "";
}

uint32_t f32_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

}  // namespace

TEST_CASE("gguf: metadata of every value type reads back", "[gguf]") {
  const auto bytes = read_required(gguf_dir() + "/all-types.gguf");
  const auto f = pf::GgufFile::parse(bytes.data(), bytes.size(), "all-types.gguf");
  CHECK(f.version() == 3);
  CHECK(f.alignment() == 32);
  CHECK(f.data_offset() % 32 == 0);
  CHECK(f.architecture() == "pf-test");
  CHECK(f.get_u32("test.u8") == 200);
  CHECK(f.get_i64("test.i8") == -100);
  CHECK(f.get_u32("test.u16") == 60000);
  CHECK(f.get_i64("test.i16") == -30000);
  CHECK(f.get_u32("test.u32") == 4000000000u);
  CHECK(f.get_i64("test.i32") == -2000000000);
  CHECK(f.get_f32("test.f32") == 1.5f);
  CHECK(f.get_bool("test.bool"));
  CHECK(f.get_bool("test.bool2"));
  CHECK(f.get_string("test.string") == "h\xc3\xa9llo w\xc3\xb6rld");
  CHECK(f.find("test.u64")->u == (1ull << 63) + 5);
  CHECK(f.get_i64("test.i64") == -(1ll << 62));
  CHECK(f.find("test.f64")->f == 0.1);
  CHECK(f.get_f32("test.f64") == 0.1f);
  CHECK(f.get_i32_array("test.arr.u8") == std::vector<int32_t>{1, 2, 255});
  CHECK(f.get_i32_array("test.arr.i16") == std::vector<int32_t>{-5, 7});
  CHECK(f.get_i32_array("test.arr.i32") == std::vector<int32_t>{-1, 0, 2147483647});
  CHECK(f.get_f32_array("test.arr.f32") == std::vector<float>{0.5f, -2.25f});
  CHECK(f.get_array_size("test.arr.bool") == 2);
  CHECK(f.get_array_size("test.arr.u64") == 1);
  const auto& strings = f.get_string_array("test.arr.string");
  REQUIRE(strings.size() == 3);
  CHECK(strings[0] == "a");
  CHECK(strings[1].empty());
  CHECK(strings[2] == "\xc3\xbc");
  CHECK(f.get_string_array("test.arr.empty").empty());
  // Defaults apply only to missing keys.
  CHECK(f.get_u32_or("missing", 7) == 7);
  CHECK(f.get_u32_or("test.u8", 7) == 200);
  CHECK(f.get_string_or("missing", "x") == "x");
  CHECK(f.get_f32_or("missing", 2.5f) == 2.5f);
  CHECK(f.get_bool_or("missing", true));
  CHECK(f.get_i64_or("test.i8", 0) == -100);
  CHECK(!f.has("missing"));
}

TEST_CASE("gguf: typed getters name the key on missing / wrong type / out of range", "[gguf]") {
  const auto bytes = read_required(gguf_dir() + "/all-types.gguf");
  const auto f = pf::GgufFile::parse(bytes.data(), bytes.size(), "all-types.gguf");
  auto error_of = [](auto&& fn) -> std::string {
    try {
      fn();
    } catch (const pf::Error& e) {
      CHECK(e.code() == pf::ErrorCode::kCorruptModel);
      return e.what();
    }
    return "";
  };
  using Catch::Matchers::Contains;
  CHECK_THAT(error_of([&] { f.get_string("nope"); }), Contains("all-types.gguf") && Contains("missing metadata key 'nope'"));
  CHECK_THAT(error_of([&] { f.get_string("test.u8"); }), Contains("'test.u8' is u8, expected string"));
  CHECK_THAT(error_of([&] { f.get_u32("test.i8"); }), Contains("'test.i8' value -100 is out of the u32 range"));
  CHECK_THAT(error_of([&] { f.get_i64("test.u64"); }), Contains("out of the i64 range"));
  CHECK_THAT(error_of([&] { f.get_bool("test.u8"); }), Contains("expected bool"));
  CHECK_THAT(error_of([&] { f.get_f32("test.string"); }), Contains("expected f32"));
  CHECK_THAT(error_of([&] { f.get_i32_array("test.arr.u64"); }), Contains("element 0 is out of the i32 range"));
  CHECK_THAT(error_of([&] { f.get_f32_array("test.arr.i32"); }), Contains("is array of i32, expected array of f32"));
  CHECK_THAT(error_of([&] { f.get_string_array("test.string"); }), Contains("expected array of string"));
  CHECK_THAT(error_of([&] { f.get_array_size("test.u8"); }), Contains("expected an array"));
}

TEST_CASE("gguf: every tensor type dequantizes bit-exactly to the Python reference", "[gguf]") {
  const auto bytes = read_required(gguf_dir() + "/all-types.gguf");
  const auto expected_bytes = read_required(gguf_dir() + "/expected.gguf");
  const auto f = pf::GgufFile::parse(bytes.data(), bytes.size(), "all-types.gguf");
  const auto e = pf::GgufFile::parse(expected_bytes.data(), expected_bytes.size(), "expected.gguf");
  REQUIRE(f.tensors().size() == e.tensors().size());
  REQUIRE(f.tensors().size() >= 25);  // 3 float + 2 x 11 quantized + 2 shape cases
  for (const pf::GgufTensor& t : f.tensors()) {
    INFO("tensor " << t.name << " " << pf::ggml_type_name(t.type) << " " << t.shape_string());
    const pf::GgufTensor* ref = e.find_tensor(t.name);
    REQUIRE(ref != nullptr);
    REQUIRE(ref->type == pf::GgmlType::kF32);
    REQUIRE(ref->ne == t.ne);
    CHECK(t.data >= bytes.data());
    CHECK(t.data + t.nbytes <= bytes.data() + bytes.size());
    CHECK((t.data - bytes.data() - f.data_offset()) % f.alignment() == 0);
    const std::vector<float> got = pf::dequantize_tensor(t);
    REQUIRE((int64_t)got.size() == t.numel());
    REQUIRE(ref->nbytes == got.size() * 4);
    for (size_t i = 0; i < got.size(); ++i) {
      float want;
      std::memcpy(&want, ref->data + 4 * i, 4);
      if (f32_bits(got[i]) != f32_bits(want)) {
        FAIL("element " << i << " (row " << i / t.ne[0] << ", col " << i % t.ne[0] << "): got "
                        << got[i] << " expected " << want);
      }
    }
  }
  // The names cover every decodable type.
  for (const char* name : {"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K",
                           "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"}) {
    INFO(name);
    CHECK(f.find_tensor(std::string("rtn.") + name) != nullptr);
  }
  CHECK(f.find_tensor("dims4.F32")->ne == std::vector<int64_t>{2, 3, 1, 2});
  CHECK(f.find_tensor("empty.F32")->nbytes == 0);
  CHECK(f.find_tensor("nope") == nullptr);
}

TEST_CASE("gguf: dequantize_rows converts a slice of rows", "[gguf]") {
  const auto bytes = read_required(gguf_dir() + "/all-types.gguf");
  const auto f = pf::GgufFile::parse(bytes.data(), bytes.size(), "all-types.gguf");
  for (const char* name : {"rtn.Q4_K", "rtn.Q8_0", "rtn.F16"}) {
    INFO(name);
    const pf::GgufTensor& t = *f.find_tensor(name);
    const std::vector<float> all = pf::dequantize_tensor(t);
    const int64_t ne0 = t.ne[0];
    REQUIRE(t.rows() >= 3);
    std::vector<float> slice((size_t)(2 * ne0));
    pf::dequantize_rows(t, 1, 2, slice.data());
    CHECK(std::equal(slice.begin(), slice.end(), all.begin() + ne0));
    CHECK_THROWS_AS(pf::dequantize_rows(t, t.rows() - 1, 2, slice.data()), pf::Error);
    CHECK_THROWS_AS(pf::dequantize_rows(t, -1, 1, slice.data()), pf::Error);
  }
}

TEST_CASE("gguf: a v2 file with 64-byte alignment", "[gguf]") {
  const auto bytes = read_required(gguf_dir() + "/aligned-64-v2.gguf");
  const auto f = pf::GgufFile::parse(bytes.data(), bytes.size(), "v2.gguf");
  CHECK(f.version() == 2);
  CHECK(f.alignment() == 64);
  CHECK(f.data_offset() % 64 == 0);
  REQUIRE(f.tensors().size() == 2);
  CHECK(f.tensors()[0].name == "x");
  CHECK(f.tensors()[1].name == "y");
  CHECK(f.tensors()[1].offset == 128);  // 68 bytes of Q8_0 padded to 64
  CHECK(f.tensors()[0].rows() == 2);
}

TEST_CASE("gguf: hostile files fail with the expected code and message", "[gguf]") {
  const std::string manifest_path = gguf_dir() + "/bad/manifest.tsv";
  if (!pf_test::file_exists(manifest_path)) FAIL(manifest_path << " is missing: run scripts/make-testdata.sh");
  std::istringstream manifest(pf_test::read_text(manifest_path));
  std::string line;
  int cases = 0;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string name, code, expect;
    std::getline(fields, name, '\t');
    std::getline(fields, code, '\t');
    std::getline(fields, expect);
    const std::string err = parse_error(pf_test::read_bytes(gguf_dir() + "/bad/" + name + ".gguf"), name + ".gguf");
    INFO(name << ": " << err);
    CHECK(err.rfind(code + ": " + name + ".gguf: ", 0) == 0);
    CHECK(err.find(expect) != std::string::npos);
    ++cases;
  }
  CHECK(cases >= 50);
}

TEST_CASE("gguf: every truncation fails cleanly", "[gguf]") {
  for (const char* file : {"aligned-64-v2.gguf", "all-types.gguf"}) {
    const auto bytes = read_required(gguf_dir() + "/" + file);
    const size_t step = bytes.size() > 4096 ? 7 : 1;
    for (size_t cut = 0; cut < bytes.size(); cut += step) {
      // A fresh allocation of exactly `cut` bytes so ASan sees any overread.
      std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + cut);
      const std::string err = parse_error(truncated);
      INFO(file << " cut at " << cut << ": " << err);
      REQUIRE(err.rfind("CORRUPT_MODEL: t.gguf: ", 0) == 0);
    }
  }
}

namespace {

// The vocab-only GGUFs: SKIP (with a warning) when the fixtures are absent.
bool load_vocab(const std::string& name, std::vector<uint8_t>* bytes) {
  const std::string path = pf_test::fixtures_dir() + "/tokenizers/llama.cpp-vocab/" + name;
  if (!pf_test::file_exists(path)) {
    WARN("SKIPPED: fixture " << path << " not found (see ../shared/fixtures/README.md)");
    return false;
  }
  *bytes = pf_test::read_bytes(path);
  return true;
}

}  // namespace

TEST_CASE("gguf: llama.cpp vocab-only GGUFs (fixtures)", "[gguf]") {
  std::vector<uint8_t> bytes;
  SECTION("gpt-2: byte-level BPE with merges") {
    if (!load_vocab("ggml-vocab-gpt-2.gguf", &bytes)) return;
    const auto f = pf::GgufFile::parse(bytes.data(), bytes.size(), "gpt-2.gguf");
    CHECK(f.tensors().empty());
    CHECK(f.architecture() == "gpt2");
    CHECK(f.get_string("tokenizer.ggml.model") == "gpt2");
    const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
    REQUIRE(tokens.size() == 50257);
    CHECK(tokens[0] == "!");
    CHECK(tokens[50256] == "<|endoftext|>");
    const auto& merges = f.get_string_array("tokenizer.ggml.merges");
    CHECK(merges.size() == 50000);
    CHECK(merges[0] == "\xc4\xa0 t");  // "Ġ t", the first GPT-2 merge
  }
  SECTION("llama-spm: 32000 pieces with scores and token types") {
    if (!load_vocab("ggml-vocab-llama-spm.gguf", &bytes)) return;
    const auto f = pf::GgufFile::parse(bytes.data(), bytes.size(), "llama-spm.gguf");
    CHECK(f.architecture() == "llama");
    CHECK(f.get_string("tokenizer.ggml.model") == "llama");
    const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
    REQUIRE(tokens.size() == 32000);
    CHECK(tokens[0] == "<unk>");
    CHECK(tokens[1] == "<s>");
    CHECK(tokens[2] == "</s>");
    CHECK(tokens[3] == "<0x00>");
    const auto scores = f.get_f32_array("tokenizer.ggml.scores");
    const auto types = f.get_i32_array("tokenizer.ggml.token_type");
    REQUIRE(scores.size() == 32000);
    REQUIRE(types.size() == 32000);
    CHECK(types[0] == 2);  // UNKNOWN
    CHECK(types[1] == 3);  // CONTROL
    CHECK(types[3] == 6);  // BYTE
    CHECK(types[1000] == 1);  // NORMAL
    CHECK(f.get_u32("tokenizer.ggml.bos_token_id") == 1);
    CHECK(f.get_u32("tokenizer.ggml.eos_token_id") == 2);
  }
  SECTION("bert-bge: WordPiece vocabulary equals bert-base-uncased vocab.txt") {
    if (!load_vocab("ggml-vocab-bert-bge.gguf", &bytes)) return;
    const std::string vocab_path = pf_test::fixtures_dir() + "/tokenizers/bert-base-uncased/vocab.txt";
    if (!pf_test::file_exists(vocab_path)) {
      WARN("SKIPPED: fixture " << vocab_path << " not found");
      return;
    }
    const auto f = pf::GgufFile::parse(bytes.data(), bytes.size(), "bert-bge.gguf");
    CHECK(f.architecture() == "bert");
    CHECK(f.get_string("tokenizer.ggml.model") == "bert");
    const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
    std::istringstream vocab(pf_test::read_text(vocab_path));
    std::string line;
    size_t i = 0;
    while (std::getline(vocab, line)) {
      REQUIRE(i < tokens.size());
      // llama.cpp's converter marks word starts instead of continuations:
      // "##ing" -> "ing", "cat" -> "\u2581cat"; "[CLS]"-style tokens stay.
      std::string want = line;
      if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
      } else if (line.rfind("##", 0) == 0) {
        want = line.substr(2);
      } else {
        want = "\xe2\x96\x81" + line;
      }
      if (tokens[i] != want) FAIL("token " << i << ": gguf '" << tokens[i] << "' vs vocab.txt '" << line << "'");
      ++i;
    }
    CHECK(i == tokens.size());
    CHECK(i == 30522);
  }
}
