// Where a decoder's weights come from: one interface over checkpoint formats
// (llama2.c, HF safetensors), so LlamaModel packs one layer at a time
// without holding a second f32 copy of the whole model.
#pragma once

#include <cstdint>
#include <vector>

#include "formats/decoder_config.h"

namespace pf {

enum class DecoderTensor {
  kTokenEmbedding,  // [vocab, dim]
  kAttentionNorm,   // [dim]              per layer
  kQuery,           // [q_dim, dim]       per layer, rows in the config's RoPE layout
  kKey,             // [kv_dim, dim]      per layer, idem
  kValue,           // [kv_dim, dim]      per layer
  kQueryBias,       // [q_dim]            per layer, only with attention_bias
  kKeyBias,         // [kv_dim]           idem
  kValueBias,       // [kv_dim]           idem
  kAttentionOut,    // [dim, q_dim]       per layer
  kFfnNorm,         // [dim]              per layer
  kGate,            // [hidden, dim]      per layer (llama2.c w1); hidden = ffn_width(layer)
  kUp,              // [hidden, dim]      per layer (llama2.c w3)
  kDown,            // [dim, hidden]      per layer (llama2.c w2)
  kFinalNorm,       // [dim]
  kLmHead,          // [vocab, dim]       absent with tied embeddings
};

const char* decoder_tensor_name(DecoderTensor tensor);

class DecoderWeightSource {
 public:
  virtual ~DecoderWeightSource() = default;
  // Row-major f32 copy of `tensor` (of `layer` for per-layer tensors), with
  // the shape listed above; throws pf::Error kCorruptModel when it is missing
  // or malformed.
  virtual std::vector<float> get(DecoderTensor tensor, int layer) const = 0;
  // The FFN width (SwiGLU neurons) of `layer`. Formats with one width for
  // every layer (llama2.c, GGUF) keep this default, config.hidden_dim;
  // structurally pruned HF checkpoints read it from the weight shapes.
  virtual int64_t ffn_width(const DecoderConfig& config, int layer) const {
    (void)layer;
    return config.hidden_dim;
  }
};

}  // namespace pf
