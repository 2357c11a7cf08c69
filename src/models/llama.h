// Llama-family decoder (Llama 2/3, Qwen2, llama2.c checkpoints): pre-RMSNorm
// blocks, RoPE, grouped-query causal attention over a preallocated KV cache,
// SwiGLU feed-forward, final RMSNorm and the LM head.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "formats/decoder_config.h"
#include "kernels/linear.h"
#include "kernels/rope.h"
#include "models/decoder_model.h"
#include "models/decoder_weights.h"
#include "models/kv_cache.h"

namespace pf {

// Sees each layer's SwiGLU output (silu(gate) * up, before down_proj) as
// forward computes it: what activation-based FFN pruning ranks neurons by.
class LlamaFfnProbe {
 public:
  virtual ~LlamaFfnProbe() = default;
  // act: [rows, width] for the forward's `rows` tokens.
  virtual void ffn_activations(size_t layer, const float* act, size_t rows, size_t width) = 0;
};

class LlamaModel : public DecoderModel {
 public:
  // Packs the weights (linear layers in `format`, quantized at load from
  // whatever the source stores; embeddings and norms stay f32) and
  // allocates the KV cache for config.max_context tokens. Each layer's FFN
  // width is weights.ffn_width(config, layer) (pruned layers are narrower);
  // activation buffers are sized for the widest. The source may be
  // released once this returns.
  static std::unique_ptr<LlamaModel> load(const DecoderConfig& config,
                                         const DecoderWeightSource& weights,
                                         WeightFormat format = WeightFormat::kF32);

  // Runs tokens [start_pos, start_pos + n) through the model, appending their
  // keys/values to the cache, and returns the logits of the last one
  // ([vocab_size]). Prefill passes several tokens (one batched GEMM per
  // layer), decode passes one. start_pos must be <= the number of cached
  // tokens (a smaller value rewinds). Throws kInvalidArgument for token ids
  // outside the vocabulary, n == 0, or start_pos + n > max_context
  // ("context full (N tokens)"); the cache is unchanged in that case.
  std::vector<float> forward(const int32_t* tokens, size_t n, size_t start_pos) override;

  // Forgets the cached tokens (next forward must start at position 0).
  void reset() override { cached_ = 0; }
  size_t cached_tokens() const override { return cached_; }

  const DecoderConfig& config() const override { return config_; }
  WeightFormat format() const override { return format_; }
  // Bytes of the packed linear weights + embeddings + norms (not the cache).
  size_t weight_bytes() const override;
  size_t kv_cache_bytes() const override { return cache_.bytes(); }
  // SwiGLU neurons of `layer` (config().hidden_dim unless pruned).
  size_t layer_ffn_width(size_t layer) const { return layers_.at(layer).ffn_width; }
  // Non-owning; nullptr (the default) stops probing. Must outlive its use.
  void set_ffn_probe(LlamaFfnProbe* probe) { ffn_probe_ = probe; }

 private:
  struct Layer {
    std::vector<float> attention_norm;
    Linear qkv;  // fused [q_dim + 2 kv_dim, dim]
    Linear attention_out;
    std::vector<float> ffn_norm;
    Linear gate_up;  // fused [2 ffn_width, dim]
    Linear down;
    size_t ffn_width;
  };

  LlamaModel(const DecoderConfig& config, WeightFormat format);
  // The table rotating positions [start_pos, start_pos + n): rope_, or for
  // "dynamic" scaling past the trained length one built for this call.
  const RopeTable& rope_for(size_t start_pos, size_t n);

  DecoderConfig config_;
  WeightFormat format_;
  std::vector<float> embedding_;  // [vocab, dim]
  std::vector<Layer> layers_;
  std::vector<float> final_norm_;
  std::unique_ptr<Linear> lm_head_;
  RopeTable rope_;
  // "dynamic" (NTK) scaling, as HF's dynamic_rope_update: the frequencies
  // follow the longest sequence seen (reset once one is back within the
  // trained length). Cached keys keep the rotation they were stored with,
  // as in HF generation with a KV cache.
  int64_t dynamic_seq_len_ = 0;
  std::unique_ptr<RopeTable> dynamic_rope_;
  KvCache cache_;
  size_t cached_ = 0;
  size_t max_ffn_width_ = 0;
  LlamaFfnProbe* ffn_probe_ = nullptr;
  // Activations, grown to the largest prefill seen.
  std::vector<float> x_, h_, qkv_, att_, tmp_, gate_up_, ffn_;
};

}  // namespace pf
