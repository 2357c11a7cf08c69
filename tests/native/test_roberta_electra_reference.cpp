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
#include "encoder_reference_helpers.h"
#include "test_helpers.h"

namespace {

using nlohmann::json;
using pf_test::max_abs_diff;

pf_test::EncoderCheckpoint read_checkpoint(const std::string& name) {
  return pf_test::read_encoder_checkpoint(name);
}

const char* const kCheckpoints[] = {"roberta-base",    "roberta-seq-cls",   "roberta-token-cls",
                                    "roberta-qa",      "roberta-mlm",       "electra-seq-cls",
                                    "electra-token-cls", "xlm-roberta-sharded"};

}  // namespace

TEST_CASE("RoBERTa / XLM-R / ELECTRA: ids, hidden states and head logits match the float64 reference",
          "[roberta][reference]") {
  pf::set_num_threads(2);
  const std::string name = GENERATE(from_range(std::begin(kCheckpoints), std::end(kCheckpoints)));
  INFO(name);
  const pf_test::ReferenceErrors e = pf_test::compare_with_reference(read_checkpoint(name));
  WARN(name << ": f32 max |diff| hidden " << e.hidden << ", logits " << e.logits << ", padded batch "
            << e.batch);
  CHECK(e.hidden <= 1e-4);
  CHECK(e.logits <= 1e-4);
  CHECK(e.batch <= 1e-4);
}

TEST_CASE("RoBERTa / ELECTRA int8: mean-pooled cosine with the reference >= 0.999",
          "[roberta][quantized]") {
  const std::string name = GENERATE(as<std::string>(), "roberta-base", "electra-seq-cls",
                                    "xlm-roberta-sharded");
  INFO(name);
  const pf_test::EncoderCheckpoint c = read_checkpoint(name);
  const auto fe = pf::FeatureExtractor::load(c.config, c.weights(), c.tokenizer, pf::WeightFormat::kInt8);
  const double worst = pf_test::worst_mean_pooled_cosine(fe->model(), c.ref);
  WARN(name << ": int8 worst mean-pooled cosine " << worst);
  CHECK(worst >= 0.999);
}

TEST_CASE("RoBERTa / ELECTRA task pipelines load tokenizer.json-only and sharded layouts",
          "[roberta]") {
  {
    const pf_test::EncoderCheckpoint c = read_checkpoint("roberta-seq-cls");
    const auto cls = pf::TextClassifier::load(c.config, c.weights(), c.tokenizer);
    const json& cs = c.ref["cases"][1];
    const std::vector<float> logits = cls->logits({cs["text"].get<std::string>()});
    CHECK(max_abs_diff(logits.data(), cs["logits"]) <= 1e-4);
  }
  {
    // <mask> (lstrip) in the text: the masked position's logits.
    const pf_test::EncoderCheckpoint c = read_checkpoint("roberta-mlm");
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
    const pf_test::EncoderCheckpoint c = read_checkpoint("roberta-token-cls");
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
    const pf_test::EncoderCheckpoint c = read_checkpoint("roberta-qa");
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
  const pf_test::EncoderCheckpoint c = read_checkpoint("xlm-roberta-sharded");
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
