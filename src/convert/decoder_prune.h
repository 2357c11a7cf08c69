// `pocketformer prune` for Llama-family decoders (model_type llama, qwen2)
// in Hugging Face layout: structured FFN-neuron pruning. Ranks each layer's
// SwiGLU neurons (convert/decoder_prune_importance.h: weight magnitude, or
// activations when sample texts are given), removes the least important
// fraction per layer by the encoder's rule (convert/prune_plan.h), writes
// an HF checkpoint the runtime loads with per-layer FFN widths
// (convert/decoder_prune_writer.h) and measures what it changed
// (convert/decoder_prune_report.h). Attention heads stay: removing heads
// under grouped-query attention is not done yet.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/prune.h"

namespace pf {

struct DecoderPruneInput {
  std::string config_json;
  std::vector<uint8_t> safetensors;
  std::string tokenizer_json;            // "" when there is none
  std::vector<uint8_t> tokenizer_model;  // SentencePiece tokenizer.model, empty when none
};

// config.json names a decoder (model_type llama, qwen2 or gpt2), which
// prune_decoder takes (and refuses gpt2 by name) rather than prune_encoder.
bool is_decoder_config_json(const std::string& config_json);

// The tokenizer (tokenizer.json first, else tokenizer.model) turns the
// samples into ids; without one the report compares the models on seeded
// random ids and activation ranking is refused. Throws kUnsupported for
// options.heads_fraction != 0 and for gpt2, kInvalidArgument for a bad
// fraction, samples without a tokenizer or a fraction leaving a layer no
// neuron; parse errors of the checkpoint as loading it would.
PruneResult prune_decoder(const DecoderPruneInput& input, const PruneOptions& options);

}  // namespace pf
