#include "models/encoder_layer_size.h"

#include <string>

#include "core/error.h"
#include "tensor/shape_text.h"

namespace pf {

namespace {

[[noreturn]] void corrupt(const std::string& what) { fail(ErrorCode::kCorruptModel, what); }

std::string n(int64_t v) { return std::to_string(v); }

}  // namespace

EncoderLayerSize encoder_layer_size(const EncoderConfig& config, const WeightLoader& weights,
                                    const EncoderLayerNames& names, int64_t layer) {
  const int64_t H = config.hidden_size, hd = config.head_dim();
  const std::string where = "layer " + n(layer) + ": ";
  EncoderLayerSize size;

  const std::vector<int64_t>& q = weights.shape(names.query_weight);
  if (q.size() != 2 || q[1] != H || q[0] % hd != 0) {
    corrupt(where + "'" + names.query_weight + "' has shape " + shape_text(q) +
            " but must be [heads * " + n(hd) + ", " + n(H) +
            "] (head_dim = hidden_size / num_attention_heads)");
  }
  size.heads = q[0] / hd;
  if (size.heads > config.num_attention_heads) {
    corrupt(where + "'" + names.query_weight + "' holds " + n(size.heads) +
            " heads but config.json has num_attention_heads " + n(config.num_attention_heads));
  }
  const auto pruned = config.pruned_heads.find(layer);
  if (pruned != config.pruned_heads.end()) {
    const int64_t expected = config.num_attention_heads - (int64_t)pruned->second.size();
    if (size.heads != expected) {
      corrupt(where + "config.json pruned_heads removes " + n((int64_t)pruned->second.size()) +
              " of " + n(config.num_attention_heads) + " heads, leaving " + n(expected) + ", but '" +
              names.query_weight + "' holds " + n(size.heads));
    }
  }
  if (size.heads == 0) {
    fail(ErrorCode::kUnsupported, where + "every attention head is pruned (not supported)");
  }

  const std::vector<int64_t>& in = weights.shape(names.ffn_in_weight);
  if (in.size() != 2 || in[1] != H || in[0] > config.intermediate_size) {
    corrupt(where + "'" + names.ffn_in_weight + "' has shape " + shape_text(in) +
            " but must be [width <= " + n(config.intermediate_size) + ", " + n(H) + "]");
  }
  size.ffn_width = in[0];
  if (size.ffn_width == 0) {
    fail(ErrorCode::kUnsupported, where + "every FFN neuron is pruned (not supported)");
  }
  return size;
}

}  // namespace pf
