#include "encoder_reference_helpers.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"
#include "tasks/feature_extraction.h"
#include "test_helpers.h"

namespace pf_test {

using nlohmann::json;

std::vector<pf::WeightShard> EncoderCheckpoint::weights() const {
  std::vector<pf::WeightShard> out;
  for (size_t i = 0; i < shards.size(); ++i) {
    out.push_back({shard_names[i], shards[i].data(), shards[i].size()});
  }
  return out;
}

EncoderCheckpoint read_encoder_checkpoint(const std::string& name) {
  EncoderCheckpoint c;
  c.dir = testdata_dir() + "/tiny-encoders/" + name;
  INFO("generate with: npm run testdata (missing " << c.dir << "/reference.json)");
  REQUIRE(file_exists(c.dir + "/reference.json"));
  c.config = read_text(c.dir + "/config.json");
  if (file_exists(c.dir + "/tokenizer.json")) {
    c.tokenizer.tokenizer_json = read_text(c.dir + "/tokenizer.json");
  } else {
    c.tokenizer.vocab_txt = read_text(c.dir + "/vocab.txt");
  }
  c.tokenizer.tokenizer_config_json = read_text(c.dir + "/tokenizer_config.json");
  const std::string index = c.dir + "/model.safetensors.index.json";
  if (file_exists(index)) {
    c.shard_names = pf::shard_file_names(read_text(index));
  } else {
    c.shard_names = {"model.safetensors"};
  }
  for (const std::string& f : c.shard_names) c.shards.push_back(read_bytes(c.dir + "/" + f));
  c.ref = json::parse(read_text(c.dir + "/reference.json"));
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

ReferenceErrors compare_with_reference(const EncoderCheckpoint& c) {
  const auto fe = pf::FeatureExtractor::load(c.config, c.weights(), c.tokenizer);
  const pf::EncoderModel& model = fe->model();
  const size_t H = (size_t)model.config().hidden_size;
  REQUIRE((size_t)model.config().max_length() == c.ref["model"]["max_length"].get<size_t>());

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

  ReferenceErrors e;
  for (const json& cs : c.ref["cases"]) {
    const std::string text = cs["text"].get<std::string>();
    INFO("text: " << text);
    const auto want_ids = cs["input_ids"].get<std::vector<int32_t>>();
    REQUIRE(fe->tokenizer().encode(text, (size_t)model.config().max_length()) == want_ids);
    const pf::EncoderBatch batch = one_row(want_ids);
    const std::vector<float> hidden = model.forward(batch);
    REQUIRE(hidden.size() == cs["last_hidden_state"].size());
    e.hidden = std::max(e.hidden, max_abs_diff(hidden.data(), cs["last_hidden_state"]));
    std::vector<float> logits;
    if (seq_head) logits = seq_head->forward(model, hidden, 1, batch.seq);
    if (token_head) logits = token_head->forward(hidden.data(), batch.seq);
    if (mlm_head) logits = mlm_head->forward(hidden.data(), batch.seq);
    if (head == "base") {
      CHECK(cs["logits"].is_null());
    } else {
      REQUIRE(logits.size() == cs["logits"].size());
      e.logits = std::max(e.logits, max_abs_diff(logits.data(), cs["logits"]));
    }
  }

  // A right-padded batch: padding (RoBERTa: the pad id) must not shift the
  // real tokens' positions; padded rows are compared too where the mask is 1.
  const json& b = c.ref["batch"];
  std::vector<std::vector<int32_t>> rows;
  std::vector<int32_t> want_flat;
  for (size_t r = 0; r < b["input_ids"].size(); ++r) {
    std::vector<int32_t> row;
    for (size_t s = 0; s < b["input_ids"][r].size(); ++s) {
      want_flat.push_back(b["input_ids"][r][s].get<int32_t>());
      if (b["attention_mask"][r][s].get<int>()) row.push_back(b["input_ids"][r][s].get<int32_t>());
    }
    rows.push_back(row);
  }
  const pf::EncoderBatch batch = pf::pad_batch(rows, nullptr, fe->tokenizer().pad_id());
  CHECK(batch.input_ids == want_flat);
  const std::vector<float> hidden = model.forward(batch);
  for (size_t r = 0; r < batch.batch * batch.seq; ++r) {
    if (!batch.attention_mask[r]) continue;
    for (size_t d = 0; d < H; ++d) {
      e.batch = std::max(e.batch, std::fabs((double)hidden[r * H + d] -
                                            b["last_hidden_state"][r * H + d].get<double>()));
    }
  }
  return e;
}

double worst_mean_pooled_cosine(const pf::EncoderModel& model, const json& ref) {
  double worst = 1;
  const size_t H = (size_t)model.config().hidden_size;
  for (const json& cs : ref["cases"]) {
    const auto ids = cs["input_ids"].get<std::vector<int32_t>>();
    const std::vector<float> h = model.forward(one_row(ids));
    const size_t n = ids.size();
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
  return worst;
}

}  // namespace pf_test
