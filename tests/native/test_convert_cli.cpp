// The `pocketformer convert` command line tool (native builds only): a full
// conversion of stories260K with the report written as JSON, the written
// GGUF checked byte by byte by an independent Python reader/quantizer
// (tests/reference/check_converted_gguf.py), and hostile invocations
// (missing files, bad config, unknown dtype, unwritable output) exiting
// non-zero with a message.
#include <catch2/catch.hpp>

#ifndef __EMSCRIPTEN__

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "formats/gguf.h"
#include "test_helpers.h"
#include "tokenizers/gguf_vocab.h"
#include "tokenizers/tokenizer.h"

namespace {

std::string cli() { return pf_test::cli_path(); }

std::string out_dir() {
  const std::string d = pf_test::testdata_dir() + "/convert-out";
  std::system(("mkdir -p '" + d + "'").c_str());
  return d;
}

pf_test::CliRun run(const std::string& args) { return pf_test::run_cli(args, out_dir() + "/cli.log"); }

}  // namespace

TEST_CASE("pocketformer convert: stories260K q8 with report; python reads the GGUF",
          "[convert][cli]") {
  const std::string dir = pf_test::fixtures_dir() + "/models/stories260K";
  if (!pf_test::file_exists(cli())) {
    WARN("skipped: " << cli() << " not built (scripts/build.sh native)");
    return;
  }
  if (!pf_test::file_exists(dir + "/stories260K.bin")) {
    WARN("skipped: " << dir << " absent");
    return;
  }
  for (const char* dtype : {"f32", "f16", "q8", "q4"}) {
    const std::string gguf = out_dir() + "/stories-" + dtype + ".gguf";
    const std::string report = out_dir() + "/stories-" + dtype + ".json";
    std::remove(gguf.c_str());
    const pf_test::CliRun r = run("convert '" + dir + "/stories260K.bin' --tokenizer '" + dir +
                      "/tok512.bin' -o '" + gguf + "' --dtype " + dtype + " --report '" + report +
                      "' --keep-f16 'blk.4.*'");
    INFO(r.output);
    REQUIRE(r.code == 0);
    CHECK(r.output.find("argmax agreement") != std::string::npos);
    const auto j = nlohmann::json::parse(pf_test::read_text(report));
    CHECK(j["dtype"] == dtype);
    CHECK(j["logit_cosine_mean"].get<double>() > 0.97);
    CHECK(j["bytes_after"].get<double>() > 0);
    if (std::string(dtype) == "f32") CHECK(j["argmax_agreement"].get<double>() == 1.0);
    if (std::system("test -x /usr/bin/python3 && /usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0) {
      WARN("skipped the python check: /usr/bin/python3 with numpy absent");
      continue;
    }
    const std::string py_log = out_dir() + "/py.log";
    const std::string script = pf_test::testdata_dir() + "/../../tests/reference/check_converted_gguf.py";
    const int status = std::system(("/usr/bin/python3 '" + script + "' '" + gguf + "' '" + dir +
                                    "/stories260K.bin' > '" + py_log + "' 2>&1").c_str());
    const std::string py = pf_test::read_text(py_log);
    WARN(dtype << ": " << py);
    CHECK(status == 0);
  }
}

TEST_CASE("pocketformer convert: a byte-level BPE tokenizer.json becomes a gpt2 vocab with its pre name",
          "[convert]") {
  const std::string src = pf_test::testdata_dir() + "/tiny-qwen2";
  INFO("generate with: bash scripts/make-testdata.sh");
  REQUIRE(pf_test::file_exists(src + "/config.json"));
  const std::string dir = out_dir() + "/qwen2-bpe";
  std::system(("mkdir -p '" + dir + "' && cp '" + src + "/config.json' '" + src + "/model.safetensors' '" +
               dir + "/'").c_str());
  // Qwen2's tokenizer.json layout over a 256-token byte vocabulary (the
  // tiny model's vocab_size): NFC, Qwen2's Split regex, ByteLevel.
  nlohmann::json vocab = nlohmann::json::object();
  {
    std::vector<int> bs;
    for (int b = 33; b <= 126; ++b) bs.push_back(b);
    for (int b = 0xa1; b <= 0xac; ++b) bs.push_back(b);
    for (int b = 0xae; b <= 0xff; ++b) bs.push_back(b);
    std::vector<int> cs = bs;
    for (int b = 0, n = 0; b < 256; ++b) {
      if (std::find(bs.begin(), bs.end(), b) == bs.end()) {
        bs.push_back(b);
        cs.push_back(256 + n++);
      }
    }
    for (size_t i = 0; i < bs.size(); ++i) {
      const int c = cs[i];
      std::string u = c < 0x80 ? std::string(1, (char)c)
                               : std::string{(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))};
      vocab[u] = bs[i];
    }
  }
  const nlohmann::json tj = {
      {"version", "1.0"}, {"added_tokens", nlohmann::json::array()},
      {"normalizer", {{"type", "NFC"}}},
      {"pre_tokenizer", nlohmann::json::parse(R"({"type": "Sequence", "pretokenizers": [
          {"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
           "behavior": "Isolated", "invert": false},
          {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": false}]})")},
      {"post_processor", nullptr},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", nlohmann::json::array()}}}};
  std::ofstream(dir + "/tokenizer.json") << tj.dump();
  const std::string gguf = dir + "/model.gguf";
  const pf_test::CliRun r = run("convert '" + dir + "' -o '" + gguf + "'");
  INFO(r.output);
  REQUIRE(r.code == 0);
  const auto bytes = pf_test::read_bytes(gguf);
  const pf::GgufFile f = pf::GgufFile::parse(bytes.data(), bytes.size());
  // A ByteLevel that adds a prefix space (changes ids) matches no
  // tokenizer.ggml.pre pipeline: no vocab rather than a wrong one.
  CHECK_FALSE(f.has("tokenizer.ggml.model"));
  CHECK_THAT(r.output, Catch::Contains("match no llama.cpp tokenizer.ggml.pre"));
  // Qwen2's own layout (trim_offsets false there; offsets only) is found.
  nlohmann::json exact = tj;
  exact["pre_tokenizer"]["pretokenizers"][1]["add_prefix_space"] = false;
  std::ofstream(dir + "/tokenizer.json") << exact.dump();
  const pf_test::CliRun r2 = run("convert '" + dir + "' -o '" + gguf + "'");
  REQUIRE(r2.code == 0);
  const auto bytes2 = pf_test::read_bytes(gguf);
  const pf::GgufFile f2 = pf::GgufFile::parse(bytes2.data(), bytes2.size());
  REQUIRE(f2.has("tokenizer.ggml.model"));
  CHECK(f2.get_string("tokenizer.ggml.model") == "gpt2");
  CHECK(f2.get_string("tokenizer.ggml.pre") == "qwen2");
  const auto tok = pf::text_tokenizer_from_gguf(f2);
  const auto hf = pf::make_text_tokenizer(pf::Tokenizer::from_json(exact.dump()));
  for (const char* text : {"Hello world's 12345", "A\xcc\x8a NFC", "  spaces\n\n\ttabs ", "\xe6\x97\xa5\xe6\x9c\xac"}) {
    INFO(text);
    CHECK(tok->encode(text, true) == hf->encode(text, true));
  }
  CHECK(tok->encode("A\xcc\x8a", false) == std::vector<int32_t>{0xc3, 0x85});  // NFC: U+00C5
}

TEST_CASE("pocketformer convert: hostile invocations exit non-zero with a message",
          "[convert][cli]") {
  if (!pf_test::file_exists(cli())) {
    WARN("skipped: " << cli() << " not built");
    return;
  }
  const std::string d = out_dir();
  const std::string stories = pf_test::fixtures_dir() + "/models/stories260K/stories260K.bin";
  struct Case {
    std::string args;
    int code;
    std::string message;
  };
  std::system(("mkdir -p '" + d + "/bad-config' '" + d + "/no-weights'").c_str());
  std::ofstream(d + "/bad-config/config.json") << "{\"model_type\": \"llama\", \"hidden_size\": -4}";
  std::ofstream(d + "/bad-config/model.safetensors") << "x";
  std::ofstream(d + "/no-weights/config.json") << "{}";
  std::ofstream(d + "/garbage.bin") << "not a checkpoint";
  const std::vector<Case> cases = {
      {"", 2, "usage"},
      {"frobnicate", 2, "unknown command"},
      {"convert", 2, "no input"},
      {"convert '" + d + "/missing.bin' -o '" + d + "/x.gguf'", 1, "does not exist"},
      {"convert '" + d + "/garbage.bin'", 2, "no output"},
      {"convert '" + d + "/garbage.bin' -o '" + d + "/x.gguf'", 1, "garbage.bin"},
      {"convert '" + d + "/garbage.bin' -o '" + d + "/x.gguf' --dtype q3", 2, "unknown dtype"},
      {"convert '" + d + "/garbage.bin' -o '" + d + "/x.gguf' --bogus", 2, "unknown option"},
      {"convert '" + d + "/no-weights' -o '" + d + "/x.gguf'", 1, "model.safetensors"},
      {"convert '" + d + "/bad-config' -o '" + d + "/x.gguf'", 1, "bad-config/config.json"},
      {"convert '" + stories + "' -o /nonexistent-dir/x.gguf", 1, "cannot write"},
      {"convert '" + stories + "' -o '" + d + "/x.gguf' --samples '" + d + "/missing.txt'", 1,
       "cannot open"},
  };
  for (const Case& c : cases) {
    if (c.args.find(stories) != std::string::npos && !pf_test::file_exists(stories)) continue;
    const pf_test::CliRun r = run(c.args);
    INFO("pocketformer " << c.args << "\n" << r.output);
    CHECK(r.code == c.code);
    CHECK(r.output.find(c.message) != std::string::npos);
  }
}

#endif  // __EMSCRIPTEN__
