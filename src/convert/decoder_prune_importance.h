// How much each SwiGLU FFN neuron of a Llama-family decoder matters, the
// ranking FFN pruning removes the least important from. Neuron j of a
// layer computes down[:, j] * silu(gate_j . x) * (up_j . x): removing its
// gate row, up row and down column removes exactly that term.
#pragma once

#include <cstdint>
#include <vector>

#include "models/decoder_weights.h"
#include "models/llama.h"

namespace pf {

// By weight magnitude (no data needed): ||gate_j|| * ||up_j|| * ||down[:, j]||
// (L2 norms). A product, not the L2 norm of the three combined as for the
// encoder's single-input GELU neurons: the term is bilinear in gate and up
// (silu(z) ~ z / 2 near 0) and linear in down, so its size scales with each
// norm, and a neuron with any one of the three near zero contributes
// nearly nothing however large the other two are. One score per neuron of
// each layer (weights.ffn_width wide).
std::vector<std::vector<double>> decoder_magnitude_importance(const DecoderConfig& config,
                                                              const DecoderWeightSource& weights);

// By activations on real text: mean |silu(gate) * up| per token over every
// position of `inputs` (each run as one prefill from position 0; the
// model's cache must hold the longest). kInvalidArgument without tokens.
std::vector<std::vector<double>> decoder_activation_importance(
    LlamaModel& model, const std::vector<std::vector<int32_t>>& inputs);

}  // namespace pf
