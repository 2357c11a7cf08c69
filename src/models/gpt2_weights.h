// Where a GPT-2 model's weights come from (HF safetensors today; other
// checkpoint formats can implement the same interface). Every matrix is
// handed over in nn.Linear layout [out, in], whatever the file stores.
#pragma once

#include <vector>

namespace pf {

enum class Gpt2Tensor {
  kTokenEmbedding,     // wte [vocab, dim]
  kPositionEmbedding,  // wpe [max_positions, dim]
  kAttentionNormWeight,  // ln_1 [dim]                per layer
  kAttentionNormBias,    // ln_1 [dim]                per layer
  kQkv,                  // c_attn [3 dim, dim]       per layer, rows q | k | v
  kQkvBias,              // c_attn [3 dim]            per layer
  kAttentionOut,         // attn.c_proj [dim, dim]    per layer
  kAttentionOutBias,     // attn.c_proj [dim]         per layer
  kFfnNormWeight,        // ln_2 [dim]                per layer
  kFfnNormBias,          // ln_2 [dim]                per layer
  kFfnUp,                // mlp.c_fc [hidden, dim]    per layer
  kFfnUpBias,            // mlp.c_fc [hidden]         per layer
  kFfnDown,              // mlp.c_proj [dim, hidden]  per layer
  kFfnDownBias,          // mlp.c_proj [dim]          per layer
  kFinalNormWeight,      // ln_f [dim]
  kFinalNormBias,        // ln_f [dim]
  kLmHead,               // [vocab, dim], only without tied embeddings
};

class Gpt2WeightSource {
 public:
  virtual ~Gpt2WeightSource() = default;
  // Row-major f32 copy of `tensor` (of `layer` for per-layer tensors), with
  // the shape listed above; throws pf::Error kCorruptModel when it is missing
  // or malformed.
  virtual std::vector<float> get(Gpt2Tensor tensor, int layer) const = 0;
};

}  // namespace pf
