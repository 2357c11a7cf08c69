#include "tasks/encoder_task.h"

#include "core/error.h"
#include "core/memory_budget.h"

namespace pf {

EncoderParts load_encoder_parts(const std::string& config_json, const uint8_t* safetensors,
                                size_t safetensors_size, const TokenizerFiles& tokenizer_files,
                                WeightFormat format, const HeadLoader& load_head) {
  return load_encoder_parts(config_json, {WeightShard{"model.safetensors", safetensors,
                                                      safetensors_size}},
                            tokenizer_files, format, load_head);
}

EncoderParts load_encoder_parts(const std::string& config_json,
                                const std::vector<WeightShard>& weights,
                                const TokenizerFiles& tokenizer_files, WeightFormat format,
                                const HeadLoader& load_head) {
  const EncoderConfig config = parse_encoder_config(config_json);
  EncoderTokenizer tokenizer = EncoderTokenizer::load(tokenizer_files);
  if ((int64_t)tokenizer.vocab_size() > config.vocab_size) {
    fail(ErrorCode::kCorruptModel, std::string(tokenizer.source_name()) + " has " +
                                       std::to_string(tokenizer.vocab_size()) +
                                       " tokens but config.json vocab_size is " +
                                       std::to_string(config.vocab_size));
  }
  const SafetensorsFile file = merge_shards(weights);
  // Weights (f32 working copy + packed copy) and one full-length sequence's
  // activations, checked before anything big is allocated.
  uint64_t numel = 0;
  for (const auto& entry : file.tensors()) numel += (uint64_t)entry.second.numel();
  const int bits = format == WeightFormat::kF32 ? 32 : format == WeightFormat::kInt8 ? 8 : 4;
  const uint64_t activations = (uint64_t)config.max_position_embeddings *
                               (uint64_t)(4 * config.hidden_size + config.intermediate_size) * 4;
  ensure_heap_room(loaded_weight_bytes(numel, bits) + activations, "loading this model");
  EncoderParts parts{std::move(tokenizer), EncoderModel::load(config, file, format)};
  if (load_head) load_head(file);
  return parts;
}

EncoderBatch pad_batch(const std::vector<std::vector<int32_t>>& ids,
                       const std::vector<std::vector<int32_t>>* type_ids, int32_t pad_id) {
  if (ids.empty()) fail(ErrorCode::kInvalidArgument, "no input texts");
  size_t seq = 0;
  for (const auto& row : ids) seq = std::max(seq, row.size());
  EncoderBatch batch;
  batch.batch = ids.size();
  batch.seq = seq;
  batch.input_ids.assign(batch.batch * seq, pad_id);
  batch.token_type_ids.assign(batch.batch * seq, 0);
  batch.attention_mask.assign(batch.batch * seq, 0);
  for (size_t b = 0; b < ids.size(); ++b) {
    for (size_t s = 0; s < ids[b].size(); ++s) {
      batch.input_ids[b * seq + s] = ids[b][s];
      batch.attention_mask[b * seq + s] = 1;
      if (type_ids) batch.token_type_ids[b * seq + s] = (*type_ids)[b].at(s);
    }
  }
  return batch;
}

EncodedText encode_with_offsets(const EncoderTokenizer& tokenizer, const std::string& text,
                                size_t max_length) {
  const EncoderTokenizer::Specials& specials = tokenizer.single();
  if (max_length < specials.count()) {
    fail(ErrorCode::kInvalidArgument, "max_length must be at least " +
                                          std::to_string(specials.count()));
  }
  std::vector<EncoderTokenizer::SpannedToken> body = tokenizer.tokenize_with_offsets(text);
  if (body.size() > max_length - specials.count()) body.resize(max_length - specials.count());
  EncodedText out;
  auto push = [&](const EncoderTokenizer::SpannedToken& token, bool special) {
    out.ids.push_back(token.id);
    out.spans.push_back(token);
    out.special.push_back(special ? 1 : 0);
  };
  for (int32_t id : specials.prefix) push({id, 0, 0, 0}, true);
  // A special token the text spells out literally ("[MASK]", "<unk>") is
  // the added token itself, not a word piece.
  for (const auto& token : body) push(token, tokenizer.is_literal_special(text, token));
  for (int32_t id : specials.suffix) push({id, 0, 0, 0}, true);
  return out;
}

EncoderBatch encode_texts(const EncoderParts& parts, const std::vector<std::string>& texts) {
  const size_t max_len = (size_t)parts.model->config().max_length();
  std::vector<std::vector<int32_t>> ids;
  ids.reserve(texts.size());
  for (const std::string& text : texts) ids.push_back(parts.tokenizer.encode(text, max_len));
  return pad_batch(ids, nullptr, parts.tokenizer.pad_id());
}

}  // namespace pf
