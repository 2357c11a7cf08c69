// What text generation needs from a decoder-only language model (Llama
// family, GPT-2): run tokens through it over its own KV cache and return the
// last token's logits. The Generator drives any implementation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "formats/decoder_config.h"
#include "kernels/linear.h"

namespace pf {

class DecoderModel {
 public:
  virtual ~DecoderModel() = default;

  // Runs tokens [start_pos, start_pos + n) through the model, appending their
  // keys/values to the cache, and returns the logits of the last one
  // ([vocab_size]). start_pos must be <= cached_tokens() (a smaller value
  // rewinds). Throws kInvalidArgument for token ids outside the vocabulary,
  // n == 0, or start_pos + n > max_context ("context full (N tokens)"); the
  // cache is unchanged in that case.
  virtual std::vector<float> forward(const int32_t* tokens, size_t n, size_t start_pos) = 0;

  // Forgets the cached tokens (next forward must start at position 0).
  virtual void reset() = 0;
  virtual size_t cached_tokens() const = 0;

  virtual const DecoderConfig& config() const = 0;
  virtual WeightFormat format() const = 0;
  // Bytes of the packed weights, embeddings and norms (not the cache).
  virtual size_t weight_bytes() const = 0;
  // Bytes of the preallocated KV cache (config().kv_dtype, max_context).
  virtual size_t kv_cache_bytes() const = 0;
};

// The argument checks forward() documents above, shared by the
// implementations so they fail alike: throws kInvalidArgument, changes
// nothing.
void check_decoder_forward(const DecoderConfig& config, const int32_t* tokens, size_t n,
                           size_t start_pos, size_t cached_tokens);

}  // namespace pf
