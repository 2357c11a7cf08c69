#include "models/encoder_embeddings.h"

#include <string>

#include "core/error.h"
#include "kernels/norms.h"
#include "models/encoder.h"

namespace pf {

EncoderEmbeddings EncoderEmbeddings::load(const EncoderConfig& config, const EncoderNames& names,
                                          const WeightLoader& w, WeightFormat format) {
  const int64_t E = config.embedding_size, H = config.hidden_size;
  EncoderEmbeddings e;
  e.word_ = w.get(names.word_embeddings, {config.vocab_size, E});
  e.position_ = w.get(names.position_embeddings, {config.max_position_embeddings, E});
  if (config.type_vocab_size > 0) {
    e.token_type_ = w.get(names.token_type_embeddings, {config.type_vocab_size, E});
  }
  e.ln_gamma_ = w.get(names.embeddings_norm_weight, {E});
  e.ln_beta_ = w.get(names.embeddings_norm_bias, {E});
  if (E != H || names.project_always) {
    if (names.embeddings_project.empty()) {
      fail(ErrorCode::kBadConfig, config.model_type + ": embedding_size " + std::to_string(E) +
                                      " differs from hidden_size " + std::to_string(H));
    }
    const auto pw = w.get(names.embeddings_project + ".weight", {H, E});
    const auto pb = w.get(names.embeddings_project + ".bias", {H});
    e.project_ = std::make_unique<Linear>((size_t)E, (size_t)H, pw.data(), pb.data(), format);
  }
  return e;
}

void EncoderEmbeddings::positions(const EncoderConfig& config, const int32_t* ids, size_t seq,
                                  std::vector<size_t>* out) const {
  out->resize(seq);
  if (!config.positions_after_padding) {
    for (size_t s = 0; s < seq; ++s) (*out)[s] = s;
    return;
  }
  // cumsum(ids != pad) * (ids != pad) + pad: padding sits at position pad,
  // real tokens at pad + 1, pad + 2, ...
  const size_t pad = (size_t)config.pad_token_id;
  size_t count = 0;
  for (size_t s = 0; s < seq; ++s) {
    if (ids[s] != config.pad_token_id) ++count;
    (*out)[s] = ids[s] != config.pad_token_id ? pad + count : pad;
  }
}

std::vector<float> EncoderEmbeddings::forward(const EncoderConfig& config,
                                              const EncoderBatch& in) const {
  const size_t E = (size_t)config.embedding_size, H = (size_t)config.hidden_size;
  const size_t rows = in.batch * in.seq;
  std::vector<float> x(rows * E);
  std::vector<size_t> pos;
  for (size_t b = 0; b < in.batch; ++b) {
    positions(config, &in.input_ids[b * in.seq], in.seq, &pos);
    for (size_t s = 0; s < in.seq; ++s) {
      const size_t r = b * in.seq + s;
      const int32_t id = in.input_ids[r], type = in.token_type_ids[r];
      if (id < 0 || id >= config.vocab_size) {
        fail(ErrorCode::kInvalidArgument, "token id " + std::to_string(id) +
                                              " is outside the vocabulary of " +
                                              std::to_string(config.vocab_size));
      }
      if (type < 0 || (type > 0 && type >= config.type_vocab_size)) {
        fail(ErrorCode::kInvalidArgument, "token type id " + std::to_string(type) +
                                              " is outside type_vocab_size " +
                                              std::to_string(config.type_vocab_size));
      }
      const float* we = &word_[(size_t)id * E];
      const float* pe = &position_[pos[s] * E];
      float* h = &x[r * E];
      for (size_t d = 0; d < E; ++d) h[d] = we[d] + pe[d];
      if (!token_type_.empty()) {
        const float* te = &token_type_[(size_t)type * E];
        for (size_t d = 0; d < E; ++d) h[d] += te[d];
      }
    }
  }
  layer_norm(x.data(), nullptr, rows, E, ln_gamma_.data(), ln_beta_.data(),
             (float)config.layer_norm_eps, x.data());
  if (!project_) return x;
  std::vector<float> hidden(rows * H);
  project_->run(x.data(), rows, hidden.data());
  return hidden;
}

}  // namespace pf
