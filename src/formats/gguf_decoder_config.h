// DecoderConfig from a GGUF file's llama.cpp metadata keys
// (general.architecture "llama", "qwen2" or "gpt2"; {arch}.context_length,
// .embedding_length, .block_count, .feed_forward_length,
// .attention.head_count, .attention.head_count_kv, .rope.freq_base,
// .rope.scaling.{type,factor,original_context_length} and the rope_freqs
// tensor, .attention.layer_norm_rms_epsilon (gpt2: layer_norm_epsilon),
// .vocab_size or the token count).
#pragma once

#include <cstdint>

#include "formats/decoder_config.h"
#include "formats/gguf.h"

namespace pf {

// `max_context` caps the KV cache (0: {arch}.context_length). The RoPE
// layout follows llama.cpp: "llama" GGUFs hold q/k rows permuted to
// interleaved pairs (its converter permutes HF weights), "qwen2" keeps HF's
// half-split order. Tied embeddings when output.weight is absent. Throws
// kUnsupportedArchitecture for other architectures, kCorruptModel for missing or
// out-of-range keys (naming the key).
DecoderConfig decoder_config_from_gguf(const GgufFile& file, int64_t max_context = 0);

}  // namespace pf
