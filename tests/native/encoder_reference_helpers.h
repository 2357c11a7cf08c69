// Shared by the encoder reference tests (RoBERTa / ELECTRA, ALBERT): a
// generated checkpoint folder under build/testdata/tiny-encoders with its
// reference.json, and the comparisons they make against it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "formats/safetensors_index.h"
#include "models/encoder.h"
#include "tasks/encoder_tokenizer.h"

namespace pf_test {

struct EncoderCheckpoint {
  std::string dir, config;
  pf::TokenizerFiles tokenizer;
  std::vector<std::vector<uint8_t>> shards;
  std::vector<std::string> shard_names;
  nlohmann::json ref;

  std::vector<pf::WeightShard> weights() const;
};

// build/testdata/tiny-encoders/<name>: config.json, tokenizer.json (else
// vocab.txt), tokenizer_config.json, model.safetensors or the shards its
// index lists, reference.json. Fails the running test when missing.
EncoderCheckpoint read_encoder_checkpoint(const std::string& name);

// Max |got - want| over the reference's single texts (hidden states and,
// when the checkpoint has a head, its logits) and its right-padded batch
// (rows where the mask is 1). Also REQUIREs the tokenizer to give the
// reference's ids and the max_length to agree.
struct ReferenceErrors {
  double hidden = 0, logits = 0, batch = 0;
};
ReferenceErrors compare_with_reference(const EncoderCheckpoint& checkpoint);

// max |got[i] - want[i]| over want's length.
double max_abs_diff(const float* got, const nlohmann::json& want);

// One unpadded sequence as a batch.
pf::EncoderBatch one_row(const std::vector<int32_t>& ids);

// Worst cosine over the reference's cases between the mean-pooled hidden
// states of `model` and of the reference.
double worst_mean_pooled_cosine(const pf::EncoderModel& model, const nlohmann::json& ref);

}  // namespace pf_test
