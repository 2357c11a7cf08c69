// Hostile model folders written by tests/reference/make_bad_models.py: each
// must fail to load with a pf::Error whose message contains expect.txt.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/error.h"
#include "tasks/feature_extraction.h"
#include "test_helpers.h"

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace((unsigned char)s.back())) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("Hostile model files fail with a clear error, and loading still works after") {
  const fs::path root = fs::path(pf_test::testdata_dir()) / "bad-models";
  INFO("generate with: npm run testdata (missing " << root.string() << ")");
  REQUIRE(fs::is_directory(root));
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 10);
  for (const fs::path& dir : cases) {
    const std::string expect = lower(trim(pf_test::read_text((dir / "expect.txt").string())));
    const auto weights = pf_test::read_bytes((dir / "model.safetensors").string());
    std::string message;
    try {
      pf::FeatureExtractor::load(pf_test::read_text((dir / "config.json").string()),
                                 weights.data(), weights.size(),
                                 pf_test::read_text((dir / "vocab.txt").string()));
    } catch (const pf::Error& e) {
      message = e.what();
    }
    INFO("case " << dir.filename().string() << ": expected '" << expect << "', got '" << message
                 << "'");
    CHECK(lower(message).find(expect) != std::string::npos);
  }
  // The good model still loads after all of that.
  const std::string good = pf_test::testdata_dir() + "/tiny-bert";
  const auto weights = pf_test::read_bytes(good + "/model.safetensors");
  CHECK_NOTHROW(pf::FeatureExtractor::load(pf_test::read_text(good + "/config.json"),
                                           weights.data(), weights.size(),
                                           pf_test::read_text(good + "/vocab.txt")));
}
