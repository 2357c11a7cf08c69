#include "test_helpers.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace pf_test {

static std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : std::string(fallback);
}

std::string testdata_dir() { return env_or("POCKETFORMER_TESTDATA", PF_DEFAULT_TESTDATA_DIR); }
std::string fixtures_dir() { return env_or("POCKETFORMER_FIXTURES", PF_DEFAULT_FIXTURES_DIR); }

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

}  // namespace pf_test
