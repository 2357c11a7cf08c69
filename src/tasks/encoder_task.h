// What every encoder task loads the same way: config.json, the tokenizer
// files (tokenizer.json, else vocab.txt) and the safetensors checkpoint
// become an EncoderTokenizer and an EncoderModel,
// after a heap check; the task's head is loaded from the same parsed file.
// Also the batching every task needs (padding token id lists into one batch).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "formats/model_config.h"
#include "formats/safetensors.h"
#include "formats/safetensors_index.h"
#include "models/encoder.h"
#include "tasks/encoder_tokenizer.h"

namespace pf {

struct EncoderParts {
  EncoderTokenizer tokenizer;
  std::unique_ptr<EncoderModel> model;
};

// Called with the parsed checkpoint while it is still alive, to load a head.
using HeadLoader = std::function<void(const SafetensorsFile& file)>;

// `weights`: the checkpoint's files (one model.safetensors, or the shards an
// index lists).
EncoderParts load_encoder_parts(const std::string& config_json,
                                const std::vector<WeightShard>& weights,
                                const TokenizerFiles& tokenizer, WeightFormat format,
                                const HeadLoader& load_head = nullptr);
EncoderParts load_encoder_parts(const std::string& config_json, const uint8_t* safetensors,
                                size_t safetensors_size, const TokenizerFiles& tokenizer,
                                WeightFormat format, const HeadLoader& load_head = nullptr);

// Right-pads sequences with pad_id into one batch (attention_mask 0 on
// padding). type_ids may be null (all 0).
EncoderBatch pad_batch(const std::vector<std::vector<int32_t>>& ids,
                       const std::vector<std::vector<int32_t>>* type_ids, int32_t pad_id);

// One text between its special tokens ([CLS] tokens [SEP], <s> tokens </s>)
// with where each token came from.
struct EncodedText {
  std::vector<int32_t> ids;
  // One per id: byte span in the text and word index; {0, 0} for [CLS]/[SEP].
  std::vector<EncoderTokenizer::SpannedToken> spans;
  // 1 for [CLS]/[SEP] and special tokens written in the text ("[MASK]").
  std::vector<uint8_t> special;
};

// Tokens of `text` with offsets, truncated to fit max_length with the
// special tokens around them.
EncodedText encode_with_offsets(const EncoderTokenizer& tokenizer, const std::string& text,
                                size_t max_length);

// [CLS] text [SEP] for each text, truncated to the model's positions, padded.
EncoderBatch encode_texts(const EncoderParts& parts, const std::vector<std::string>& texts);

}  // namespace pf
