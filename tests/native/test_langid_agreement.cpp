// Quantization fidelity on a real task (issue 5: "classification argmax
// agreement >= 99.5% over >= 1,000 inputs, int8 vs f32"): the bundled,
// self-trained language-ID models (demo/models/lang-id-*) classify held-out
// fortune documents with f32, int8 and 4-bit weights. The documents are the
// test split scripts/train/prepare_data.py keeps out of training, written by
// scripts/make-testdata.sh from Debian's fortunes packages (which
// scripts/setup-toolchain.sh installs). tests/js/langid-agreement.test.mjs
// checks the same through the wasm build and the JS pipeline.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"
#include "test_helpers.h"

namespace {

constexpr size_t kDocs = 2000;

struct Doc {
  std::string lang, text;
};

std::vector<Doc> held_out_documents(const std::string& tsv) {
  std::istringstream in(pf_test::read_text(tsv));
  std::vector<Doc> docs;
  std::string line;
  while (docs.size() < kDocs && std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    // The first 1000 bytes, cut back to a UTF-8 character boundary.
    size_t end = std::min(line.size(), tab + 1 + 1000);
    while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
    docs.push_back({line.substr(0, tab), line.substr(tab + 1, end - tab - 1)});
  }
  return docs;
}

// The predicted label of every document with the model's weights in `format`.
std::vector<std::string> predict(const std::string& dir, pf::WeightFormat format,
                                 const std::vector<Doc>& docs) {
  const std::string config_json = pf_test::read_text(dir + "/config.json");
  const std::vector<uint8_t> weights = pf_test::read_bytes(dir + "/model.safetensors");
  const pf::EncoderConfig config = pf::parse_encoder_config(config_json);
  std::unique_ptr<pf::SequenceClassificationHead> head;
  const pf::EncoderParts parts = pf::load_encoder_parts(
      config_json, weights.data(), weights.size(), pf_test::read_text(dir + "/vocab.txt"), format,
      [&](const pf::SafetensorsFile& file) { head = pf::SequenceClassificationHead::load(config, file); });
  const nlohmann::json id2label = nlohmann::json::parse(config_json)["id2label"];
  std::vector<std::string> labels;
  for (const Doc& d : docs) {
    const pf::EncoderBatch batch = pf::encode_texts(parts, {d.text});
    const std::vector<float> logits = head->forward(*parts.model, parts.model->forward(batch), 1, batch.seq);
    const size_t best = std::max_element(logits.begin(), logits.end()) - logits.begin();
    labels.push_back(id2label[std::to_string(best)].get<std::string>());
  }
  return labels;
}

double share_equal(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return (double)same / (double)a.size();
}

}  // namespace

TEST_CASE("bundled language-ID models: int8 / 4-bit argmax agreement with f32 on held-out fortunes",
          "[langid][quantization]") {
  const std::string root = pf_test::testdata_dir() + "/../..";
  const std::string tsv = pf_test::testdata_dir() + "/fortunes/langid/test.tsv";
  if (!pf_test::file_exists(tsv)) {
    // Only a developer machine without Debian's fortunes packages may skip.
    const bool must_run = std::getenv("CI") != nullptr ||
                          pf_test::file_exists("/usr/share/games/fortunes/de/anekdoten.dat");  // fortunes-de
    INFO(tsv << " is missing: run 'npm run testdata' (bash scripts/make-testdata.sh)");
    REQUIRE_FALSE(must_run);
    WARN("skipped: Debian's fortunes packages are not installed (apt-get install fortunes fortunes-min "
         "fortunes-de fortunes-it fortunes-es fortunes-pl fortunes-cs fortunes-ru), then npm run testdata");
    return;
  }
  const std::vector<Doc> docs = held_out_documents(tsv);
  REQUIRE(docs.size() >= 1000);
  std::vector<std::string> gold;
  for (const Doc& d : docs) gold.push_back(d.lang);
  for (const char* name : {"lang-id-student", "lang-id-pruned"}) {
    const std::string dir = root + "/demo/models/" + name;
    const auto f32 = predict(dir, pf::WeightFormat::kF32, docs);
    const auto int8 = predict(dir, pf::WeightFormat::kInt8, docs);
    const auto q4 = predict(dir, pf::WeightFormat::kInt4, docs);
    const double acc = share_equal(f32, gold), a8 = share_equal(int8, f32), a4 = share_equal(q4, f32);
    std::printf("%s on %zu held-out documents: f32 accuracy %.4f, int8 accuracy %.4f agreement %.4f, "
                "4-bit accuracy %.4f agreement %.4f\n",
                name, docs.size(), acc, share_equal(int8, gold), a8, share_equal(q4, gold), a4);
    INFO(name);
    CHECK(acc >= 0.9);     // what the model cards claim
    CHECK(a8 >= 0.995);    // issue 5
    CHECK(a4 >= 0.97);     // 4-bit loses more; it still must not change the task
  }
}
