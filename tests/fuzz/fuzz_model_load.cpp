// libFuzzer: whole-model load from arbitrary safetensors bytes, with the
// config and vocabulary of the generated tiny BERT (paths from the
// environment, set by scripts/fuzz.sh). Loads that succeed also run once.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "core/error.h"
#include "tasks/feature_extraction.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = std::getenv("PF_FUZZ_MODEL_DIR") ? std::getenv("PF_FUZZ_MODEL_DIR") : ".";
  static const std::string config = read_file(dir + "/config.json");
  static const std::string vocab = read_file(dir + "/vocab.txt");
  try {
    const auto fe = pf::FeatureExtractor::load(config, data, size, vocab);
    fe->run({"the cat sat"}, pf::Pooling::kMean, true);
  } catch (const pf::Error&) {
  }
  return 0;
}
