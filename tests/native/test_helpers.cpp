#include "test_helpers.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#ifndef __EMSCRIPTEN__
#include <sys/wait.h>
#endif

#include <catch2/catch.hpp>

#include "formats/safetensors.h"
#include "tasks/gguf_encoder_checkpoint.h"

namespace pf_test {

static std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : std::string(fallback);
}

std::string testdata_dir() { return env_or("POCKETFORMER_TESTDATA", PF_DEFAULT_TESTDATA_DIR); }
std::string fixtures_dir() { return env_or("POCKETFORMER_FIXTURES", PF_DEFAULT_FIXTURES_DIR); }

void check_same_tensors(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want) {
  const pf::SafetensorsFile g = pf::SafetensorsFile::parse(got.data(), got.size());
  const pf::SafetensorsFile w = pf::SafetensorsFile::parse(want.data(), want.size());
  REQUIRE(g.tensors().size() == w.tensors().size());
  for (const auto& [name, wt] : w.tensors()) {
    INFO(name);
    const pf::TensorView* gt = g.find(name);
    REQUIRE(gt != nullptr);
    CHECK(gt->dtype == wt.dtype);
    CHECK(gt->shape == wt.shape);
    REQUIRE(gt->nbytes == wt.nbytes);
    CHECK(std::equal(gt->data, gt->data + gt->nbytes, wt.data));
  }
}

bool file_exists(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return f.good();
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

std::string read_text(const std::string& path) {
  const auto bytes = read_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

EncoderFiles read_encoder_dir(const std::string& name) {
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".gguf") == 0) {
    const std::string path = testdata_dir() + "/" + name;
    INFO("generate with: npm run testdata (missing " << path << ")");
    REQUIRE(file_exists(path));
    const std::vector<uint8_t> bytes = read_bytes(path);
    pf::EncoderCheckpoint ck = pf::encoder_checkpoint_from_gguf(bytes.data(), bytes.size(), path);
    return {ck.config_json, std::move(ck.safetensors), ck.tokenizer.vocab_txt};
  }
  const std::string dir = testdata_dir() + "/" + name;
  INFO("generate with: npm run testdata (missing " << dir << ")");
  REQUIRE(file_exists(dir + "/model.safetensors"));
  return {read_text(dir + "/config.json"), read_bytes(dir + "/model.safetensors"),
          read_text(dir + "/vocab.txt")};
}

std::string cli_path() { return testdata_dir() + "/../native/pocketformer"; }

CliRun run_cli(const std::string& args, const std::string& log) {
  CliRun r;
#ifndef __EMSCRIPTEN__
  const int status = std::system((cli_path() + " " + args + " > '" + log + "' 2>&1").c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = read_text(log);
#endif
  return r;
}

}  // namespace pf_test
