// The `pocketformer prune` command line (native builds only): a run on a
// seeded BERT writes an HF folder the runtime loads, a JSON report whose
// sizes match the written files, and hostile invocations exit like
// `convert`'s (2 usage, 1 error) with a message.
#include <catch2/catch.hpp>

#ifndef __EMSCRIPTEN__

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "formats/safetensors.h"
#include "tasks/feature_extraction.h"
#include "test_helpers.h"

namespace fs = std::filesystem;

namespace {

std::string cli() { return pf_test::cli_path(); }

std::string out_dir() {
  const std::string d = pf_test::testdata_dir() + "/prune-out";
  fs::create_directories(d);
  return d;
}

pf_test::CliRun run(const std::string& args) { return pf_test::run_cli(args, out_dir() + "/cli.log"); }

}  // namespace

TEST_CASE("pocketformer prune: writes a loadable HF folder and a true report", "[prune][cli]") {
  if (!pf_test::file_exists(cli())) {
    WARN("skipped: " << cli() << " not built (scripts/build.sh native)");
    return;
  }
  const std::string src = pf_test::testdata_dir() + "/tiny-bert-3l";
  REQUIRE(pf_test::file_exists(src + "/model.safetensors"));
  const std::string out = out_dir() + "/bert-pruned", report = out_dir() + "/bert-pruned.json";
  fs::remove_all(out);
  const pf_test::CliRun r = run("prune '" + src + "' -o '" + out + "' --heads 0.5 --ffn 0.25 --report '" + report + "'");
  INFO(r.output);
  REQUIRE(r.code == 0);
  CHECK(r.output.find("embedding cosine") != std::string::npos);
  for (const char* f : {"config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json",
                        "special_tokens_map.json"}) {
    CHECK(fs::exists(out + "/" + f));
  }
  CHECK_FALSE(fs::exists(out + "/reference.json"));  // not a tokenizer file

  const auto j = nlohmann::json::parse(pf_test::read_text(report));
  CHECK(j["bytes_before"] == fs::file_size(src + "/model.safetensors"));
  CHECK(j["bytes_after"] == fs::file_size(out + "/model.safetensors"));
  CHECK(j["method"] == "magnitude");
  CHECK(j["attention_heads_after"] == nlohmann::json::array({2, 2, 2}));
  CHECK(j["ffn_width_after"] == nlohmann::json::array({96, 96, 96}));
  // Parameters: H=64, head_dim 16. Each layer loses 2 heads (q/k/v rows +
  // biases: 3 * 32 * 65, output columns: 64 * 32) and 32 FFN neurons
  // (intermediate rows + biases: 32 * 65, output columns: 64 * 32).
  const int64_t per_layer = 3 * 32 * 65 + 64 * 32 + 32 * 65 + 64 * 32;
  CHECK(j["params_before"].get<int64_t>() - j["params_after"].get<int64_t>() == 3 * per_layer);
  // Stored F32: four bytes a parameter, the header aside.
  CHECK(j["bytes_before"].get<int64_t>() - j["bytes_after"].get<int64_t>() >= 4 * 3 * per_layer - 512);
  CHECK(j["bytes_before"].get<int64_t>() - j["bytes_after"].get<int64_t>() <= 4 * 3 * per_layer + 512);

  const auto w = pf_test::read_bytes(out + "/model.safetensors");
  // Byte for byte what the independent numpy pruner writes for these fractions.
  CHECK(w == pf_test::read_bytes(pf_test::testdata_dir() + "/tiny-bert-pruned-mag/model.safetensors"));
  const auto fe = pf::FeatureExtractor::load(pf_test::read_text(out + "/config.json"), w.data(),
                                             w.size(), pf_test::read_text(out + "/vocab.txt"));
  CHECK(fe->model().layer_heads(2) == 2);
  CHECK(fe->model().layer_ffn_width(2) == 96);

  // Activation-based with a samples file.
  const std::string samples = out_dir() + "/samples.txt";
  std::ofstream(samples) << "the cat sat on the mat\n\nhello world\n";
  const pf_test::CliRun a = run("prune '" + src + "' -o '" + out + "-act' --heads 0.25 --samples '" + samples + "'");
  INFO(a.output);
  CHECK(a.code == 0);
  CHECK(a.output.find("activation importance") != std::string::npos);
}

TEST_CASE("pocketformer prune: hostile invocations exit non-zero with a message", "[prune][cli]") {
  if (!pf_test::file_exists(cli())) {
    WARN("skipped: " << cli() << " not built");
    return;
  }
  const std::string d = out_dir(), src = pf_test::testdata_dir() + "/tiny-bert-3l";
  fs::create_directories(d + "/no-vocab");
  std::ofstream(d + "/no-vocab/config.json") << "{}";
  std::ofstream(d + "/no-vocab/model.safetensors") << "x";
  std::ofstream(d + "/a-file") << "x";
  struct Case {
    std::string args;
    int code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"prune", 2, "no input"},
      {"prune '" + src + "' --heads 0.5", 2, "no output"},
      {"prune '" + src + "' -o '" + d + "/x'", 2, "nothing to prune"},
      {"prune '" + d + "/missing' -o '" + d + "/x' --heads 0.5", 1, "does not exist"},
      {"prune '" + d + "/a-file' -o '" + d + "/x' --heads 0.5", 1, "is not a directory"},
      {"prune '" + d + "/no-vocab' -o '" + d + "/x' --heads 0.5", 1, "has no vocab.txt"},
      {"prune '" + src + "' -o '" + d + "/x' --heads 1", 2, "not a fraction in [0, 1)"},
      {"prune '" + src + "' -o '" + d + "/x' --ffn -0.2", 2, "not a fraction in [0, 1)"},
      {"prune '" + src + "' -o '" + d + "/x' --heads half", 2, "not a fraction in [0, 1)"},
      {"prune '" + src + "' -o '" + d + "/x' --heads", 2, "needs a value"},
      {"prune '" + src + "' -o '" + d + "/x' --heads 0.9", 1, "removes all 4 of layer 0"},
      {"prune '" + src + "' -o '" + d + "/a-file' --heads 0.5", 1, "not a directory"},
      {"prune '" + src + "' -o '" + src + "' --heads 0.5", 1, "is the input directory"},
      {"prune '" + src + "' -o /nonexistent-dir/x --heads 0.5", 1, "cannot create output directory"},
      {"prune '" + src + "' -o '" + d + "/x' --heads 0.5 --samples '" + d + "/missing.txt'", 1,
       "cannot open"},
      {"prune '" + src + "' -o '" + d + "/x' --bogus", 2, "unknown option"},
  };
  for (const Case& c : cases) {
    const pf_test::CliRun r = run(c.args);
    INFO("pocketformer " << c.args << "\n" << r.output);
    CHECK(r.code == c.code);
    CHECK(r.output.find(c.message) != std::string::npos);
  }
  CHECK_FALSE(fs::exists(d + "/x"));  // failed runs leave no output folder
}

#endif  // __EMSCRIPTEN__
