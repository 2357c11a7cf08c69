// The embedding stage of the BERT-family encoders: word + position (+ token
// type) embeddings, LayerNorm, and for ELECTRA / ALBERT the projection from
// embedding_size to hidden_size (embeddings_project /
// encoder.embedding_hidden_mapping_in). Position ids are the
// token index, except for RoBERTa / XLM-R, which count non-padding tokens
// from pad_token_id + 1 (modeling_roberta's create_position_ids_from_input_ids).
#pragma once

#include <memory>
#include <vector>

#include "formats/model_config.h"
#include "kernels/linear.h"
#include "models/encoder_names.h"
#include "models/weight_loader.h"

namespace pf {

struct EncoderBatch;

class EncoderEmbeddings {
 public:
  // `w` reads the encoder's tensors (its prefix applied). The projection,
  // when there is one, follows `format` like the layers.
  static EncoderEmbeddings load(const EncoderConfig& config, const EncoderNames& names,
                                const WeightLoader& w, WeightFormat format);
  // Checks the ids and returns the layer input, [batch * seq, hidden_size].
  std::vector<float> forward(const EncoderConfig& config, const EncoderBatch& batch) const;

 private:
  // The position of each token of one row of the batch.
  void positions(const EncoderConfig& config, const int32_t* ids, size_t seq,
                 std::vector<size_t>* out) const;

  std::vector<float> word_, position_, token_type_;
  std::vector<float> ln_gamma_, ln_beta_;
  std::unique_ptr<Linear> project_;  // ELECTRA, ALBERT
};

}  // namespace pf
