// Reader for llama2.c checkpoints, legacy format v0 (karpathy/llama2.c
// run.c): a header of 7 int32 (dim, hidden_dim, n_layers, n_heads,
// n_kv_heads, vocab_size, seq_len; a negative vocab_size means the
// classifier is stored separately), then f32 tensors in this order:
// token_embedding [vocab, dim], rms_att [L, dim], wq [L, dim, dim],
// wk [L, kv_dim, dim], wv [L, kv_dim, dim], wo [L, dim, dim],
// rms_ffn [L, dim], w1 [L, hidden, dim], w2 [L, dim, hidden],
// w3 [L, hidden, dim], rms_final [dim], two unused RoPE tables of
// seq_len * head_dim / 2 floats each, and wcls [vocab, dim] when unshared.
// llama2.c's q/k rows use interleaved RoPE pairs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/decoder_config.h"
#include "models/decoder_weights.h"

namespace pf {

class Llama2cCheckpoint : public DecoderWeightSource {
 public:
  // Validates the header and that the file holds exactly the tensors it
  // implies; throws pf::Error kCorruptModel (kUnsupported for the newer
  // "ak42" export versions). `max_context` caps the KV cache (0: seq_len).
  // The buffer must outlive the returned object.
  static Llama2cCheckpoint parse(const uint8_t* bytes, size_t size, int64_t max_context = 0,
                                 const std::string& file_name = "model.bin");

  const DecoderConfig& config() const { return config_; }
  int64_t seq_len() const { return seq_len_; }  // the training context in the header

  std::vector<float> get(DecoderTensor tensor, int layer) const override;

 private:
  struct Span {
    size_t offset = 0;  // bytes from the file start
    size_t count = 0;   // floats per layer (or in total for global tensors)
  };
  Span span(DecoderTensor tensor) const;

  const uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  std::string file_name_;
  DecoderConfig config_;
  int64_t seq_len_ = 0;
  Span embedding_, rms_att_, wq_, wk_, wv_, wo_, rms_ffn_, w1_, w2_, w3_, rms_final_, wcls_;
};

}  // namespace pf
