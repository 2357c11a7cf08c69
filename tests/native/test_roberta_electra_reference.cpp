// RoBERTa / XLM-R and the ELECTRA discriminator against the independent
// float64 PyTorch reference (tests/reference/roberta_reference.py) on seeded
// random checkpoints (make_tiny_roberta.py):
//  - the tokenizer (tokenizer.json byte-level BPE for RoBERTa, vocab.txt for
//    ELECTRA) gives the reference's ids, special tokens included;
//  - f32 last_hidden_state and head logits within 1e-4, single texts and a
//    right-padded batch (RoBERTa's positions must ignore the padding);
//  - int8: mean-pooled cosine >= 0.999 with the reference;
//  - the task pipelines load these layouts (tokenizer.json only, sharded
//    weights) and agree with the reference's logits.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "formats/safetensors.h"
#include "kernels/runtime.h"
#include "formats/safetensors_index.h"
#include "models/encoder_heads.h"
#include "tasks/feature_extraction.h"
#include "tasks/fill_mask.h"
#include "tasks/question_answering.h"
#include "tasks/text_classification.h"
#include "tasks/token_classification.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;

struct Checkpoint {
  std::string dir, config;
  pf::TokenizerFiles tokenizer;
  std::vector<std::vector<uint8_t>> shards;
  std::vector<std::string> shard_names;
  json ref;

  std::vector<pf::WeightShard> weights() const {
    std::vector<pf::WeightShard> out;
    for (size_t i = 0; i < shards.size(); ++i) {
      out.push_back({shard_names[i], shards[i].data(), shards[i].size()});
    }
    return out;
  }
};

Checkpoint read_checkpoint(const std::string& name) {
  Checkpoint c;
  c.dir = pf_test::testdata_dir() + "/tiny-encoders/" + name;
  INFO("generate with: npm run testdata (missing " << c.dir << "/reference.json)");
  REQUIRE(pf_test::file_exists(c.dir + "/reference.json"));
  c.config = pf_test::read_text(c.dir + "/config.json");
  if (pf_test::file_exists(c.dir + "/tokenizer.json")) {
    c.tokenizer.tokenizer_json = pf_test::read_text(c.dir + "/tokenizer.json");
  } else {
    c.tokenizer.vocab_txt = pf_test::read_text(c.dir + "/vocab.txt");
  }
  c.tokenizer.tokenizer_config_json = pf_test::read_text(c.dir + "/tokenizer_config.json");
  const std::string index = c.dir + "/model.safetensors.index.json";
  if (pf_test::file_exists(index)) {
    c.shard_names = pf::shard_file_names(pf_test::read_text(index));
  } else {
    c.shard_names = {"model.safetensors"};
  }
  for (const std::string& f : c.shard_names) c.shards.push_back(pf_test::read_bytes(c.dir + "/" + f));
  c.ref = json::parse(pf_test::read_text(c.dir + "/reference.json"));
  return c;
}

double max_abs_diff(const float* got, const json& want) {
  double m = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    m = std::max(m, std::fabs((double)got[i] - want[i].get<double>()));
  }
  return m;
}

pf::EncoderBatch one_row(const std::vector<int32_t>& ids) { return pf::pad_batch({ids}, nullptr, 0); }

const char* const kCheckpoints[] = {"roberta-base",    "roberta-seq-cls",   "roberta-token-cls",
                                    "roberta-qa",      "roberta-mlm",       "electra-seq-cls",
                                    "electra-token-cls", "xlm-roberta-sharded"};

}  // namespace

TEST_CASE("RoBERTa / XLM-R / ELECTRA: ids, hidden states and head logits match the float64 reference",
          "[roberta][reference]") {
  pf::set_num_threads(2);
  const std::string name = GENERATE(from_range(std::begin(kCheckpoints), std::end(kCheckpoints)));
  INFO(name);
  const Checkpoint c = read_checkpoint(name);
  const auto fe = pf::FeatureExtractor::load(c.config, c.weights(), c.tokenizer);
  const pf::EncoderModel& model = fe->model();
  const size_t H = (size_t)model.config().hidden_size;
  CHECK((size_t)model.config().max_length() == c.ref["model"]["max_length"].get<size_t>());

  // The head, straight from the checkpoint, for its logits.
  const pf::SafetensorsFile file = pf::merge_shards(c.weights());
  const std::string head = c.ref["head"].get<std::string>();
  std::unique_ptr<pf::SequenceClassificationHead> seq_head;
  std::unique_ptr<pf::TokenLinearHead> token_head;
  std::unique_ptr<pf::MaskedLMHead> mlm_head;
  if (head == "seq-cls") seq_head = pf::SequenceClassificationHead::load(model.config(), file);
  if (head == "token-cls") token_head = pf::TokenLinearHead::load(model.config(), file, "classifier");
  if (head == "qa") token_head = pf::TokenLinearHead::load(model.config(), file, "qa_outputs", 2);
  if (head == "mlm") mlm_head = pf::MaskedLMHead::load(model.config(), file, pf::WeightFormat::kF32);

  double hidden_err = 0, logits_err = 0;
  for (const json& cs : c.ref["cases"]) {
    const std::string text = cs["text"].get<std::string>();
    INFO("text: " << text);
    const auto want_ids = cs["input_ids"].get<std::vector<int32_t>>();
    REQUIRE(fe->tokenizer().encode(text, (size_t)model.config().max_length()) == want_ids);
    const pf::EncoderBatch batch = one_row(want_ids);
    const std::vector<float> hidden = model.forward(batch);
    REQUIRE(hidden.size() == cs["last_hidden_state"].size());
    hidden_err = std::max(hidden_err, max_abs_diff(hidden.data(), cs["last_hidden_state"]));
    std::vector<float> logits;
    if (seq_head) logits = seq_head->forward(model, hidden, 1, batch.seq);
    if (token_head) logits = token_head->forward(hidden.data(), batch.seq);
    if (mlm_head) logits = mlm_head->forward(hidden.data(), batch.seq);
    if (head == "base") {
      CHECK(cs["logits"].is_null());
    } else {
      REQUIRE(logits.size() == cs["logits"].size());
      logits_err = std::max(logits_err, max_abs_diff(logits.data(), cs["logits"]));
    }
  }
  WARN(name << ": f32 max |diff| hidden " << hidden_err << ", logits " << logits_err);
  CHECK(hidden_err <= 1e-4);
  CHECK(logits_err <= 1e-4);

  // A right-padded batch: padding (RoBERTa: the pad id) must not shift the
  // real tokens' positions; padded rows are compared too where the mask is 1.
  const json& b = c.ref["batch"];
  std::vector<std::vector<int32_t>> rows;
  for (size_t r = 0; r < b["input_ids"].size(); ++r) {
    std::vector<int32_t> row;
    for (size_t s = 0; s < b["input_ids"][r].size(); ++s) {
      if (b["attention_mask"][r][s].get<int>()) row.push_back(b["input_ids"][r][s].get<int32_t>());
    }
    rows.push_back(row);
  }
  const pf::EncoderBatch batch = pf::pad_batch(rows, nullptr, fe->tokenizer().pad_id());
  CHECK(batch.input_ids == [&] {
    std::vector<int32_t> flat;
    for (const json& r : b["input_ids"]) for (const json& v : r) flat.push_back(v.get<int32_t>());
    return flat;
  }());
  const std::vector<float> hidden = model.forward(batch);
  double batch_err = 0;
  for (size_t r = 0; r < batch.batch * batch.seq; ++r) {
    if (!batch.attention_mask[r]) continue;
    for (size_t d = 0; d < H; ++d) {
      batch_err = std::max(batch_err, std::fabs((double)hidden[r * H + d] -
                                                b["last_hidden_state"][r * H + d].get<double>()));
    }
  }
  CHECK(batch_err <= 1e-4);
}

TEST_CASE("RoBERTa / ELECTRA int8: mean-pooled cosine with the reference >= 0.999",
          "[roberta][quantized]") {
  const std::string name = GENERATE(as<std::string>(), "roberta-base", "electra-seq-cls",
                                    "xlm-roberta-sharded");
  INFO(name);
  const Checkpoint c = read_checkpoint(name);
  const auto fe = pf::FeatureExtractor::load(c.config, c.weights(), c.tokenizer, pf::WeightFormat::kInt8);
  double worst = 1;
  for (const json& cs : c.ref["cases"]) {
    const auto ids = cs["input_ids"].get<std::vector<int32_t>>();
    const std::vector<float> h = fe->model().forward(one_row(ids));
    const size_t H = (size_t)fe->model().config().hidden_size, n = ids.size();
    double dot = 0, a2 = 0, b2 = 0;
    for (size_t d = 0; d < H; ++d) {
      double got = 0, want = 0;
      for (size_t s = 0; s < n; ++s) {
        got += h[s * H + d];
        want += cs["last_hidden_state"][s * H + d].get<double>();
      }
      dot += got * want;
      a2 += got * got;
      b2 += want * want;
    }
    worst = std::min(worst, dot / std::sqrt(a2 * b2));
  }
  WARN(name << ": int8 worst mean-pooled cosine " << worst);
  CHECK(worst >= 0.999);
}

TEST_CASE("RoBERTa / ELECTRA task pipelines load tokenizer.json-only and sharded layouts",
          "[roberta]") {
  {
    const Checkpoint c = read_checkpoint("roberta-seq-cls");
    const auto cls = pf::TextClassifier::load(c.config, c.weights(), c.tokenizer);
    const json& cs = c.ref["cases"][1];
    const std::vector<float> logits = cls->logits({cs["text"].get<std::string>()});
    CHECK(max_abs_diff(logits.data(), cs["logits"]) <= 1e-4);
  }
  {
    // <mask> (lstrip) in the text: the masked position's logits.
    const Checkpoint c = read_checkpoint("roberta-mlm");
    const auto fm = pf::FillMasker::load(c.config, c.weights(), c.tokenizer);
    CHECK(fm->tokenizer().mask_token() == "<mask>");
    for (const json& cs : c.ref["cases"]) {
      const std::string text = cs["text"].get<std::string>();
      if (text.find("<mask>") == std::string::npos) continue;
      const pf::MaskLogits m = fm->mask_logits(text);
      REQUIRE(m.mask_positions.size() == 1);
      const size_t V = (size_t)fm->model().config().vocab_size, at = m.mask_positions[0];
      const json row(cs["logits"].begin() + (long)(at * V), cs["logits"].begin() + (long)((at + 1) * V));
      CHECK(max_abs_diff(m.logits.data(), row) <= 1e-4);
      const auto top = fm->predict(m, 3, {});
      REQUIRE(top.size() == 1);
      CHECK(top[0].size() == 3);
      CHECK(top[0][0].sequence.find("<mask>") == std::string::npos);
    }
  }
  {
    // Offsets from the byte-level tokenizer stay inside the text.
    const Checkpoint c = read_checkpoint("roberta-token-cls");
    const auto ner = pf::TokenClassifier::load(c.config, c.weights(), c.tokenizer);
    for (const json& cs : c.ref["cases"]) {
      const std::string text = cs["text"].get<std::string>();
      const pf::EncodedText enc = ner->encode(text);
      CHECK(enc.ids == cs["input_ids"].get<std::vector<int32_t>>());
      for (auto strategy : {pf::Aggregation::kNone, pf::Aggregation::kSimple, pf::Aggregation::kFirst}) {
        const auto entities = ner->run({text}, strategy, {});
        for (const auto& e : entities[0]) {
          CHECK(e.start <= e.end);
          CHECK(e.end <= text.size());
        }
      }
    }
  }
  {
    // <s> question </s></s> context </s>; the answer is a span of the context.
    const Checkpoint c = read_checkpoint("roberta-qa");
    const auto qa = pf::QuestionAnswerer::load(c.config, c.weights(), c.tokenizer);
    const std::string context = c.ref["cases"].back()["text"].get<std::string>();
    pf::QaOptions options;
    options.top_k = 2;
    const pf::QaInput input = qa->prepare("what did the fox do?", context, qa->resolve(options));
    REQUIRE(input.windows.size() > 1);
    const auto& w = input.windows[0].ids;
    CHECK(w[0] == 0);
    CHECK(w.back() == 2);
    for (const auto& a : qa->run("what did the fox do?", context, options)) {
      CHECK(a.end <= context.size());
      CHECK(context.substr(a.start, a.end - a.start) == a.answer);
    }
  }
}

TEST_CASE("Sharded checkpoints: a bad index names the problem", "[roberta]") {
  const Checkpoint c = read_checkpoint("xlm-roberta-sharded");
  CHECK_THROWS_AS(pf::shard_file_names("{}"), pf::Error);
  CHECK_THROWS_AS(pf::shard_file_names("{\"weight_map\": {\"a\": 3}}"), pf::Error);
  CHECK_THROWS_AS(pf::shard_file_names("{\"weight_map\": {\"a\": \"../x.safetensors\"}}"), pf::Error);
  // One shard missing: its tensors are missing.
  std::vector<pf::WeightShard> first = c.weights();
  first.pop_back();
  CHECK_THROWS_AS(pf::FeatureExtractor::load(c.config, first, c.tokenizer), pf::Error);
  // The same tensor in two shards.
  std::vector<pf::WeightShard> twice = c.weights();
  twice.push_back(twice[0]);
  twice.back().name = "copy.safetensors";
  CHECK_THROWS_AS(pf::merge_shards(twice), pf::Error);
}
