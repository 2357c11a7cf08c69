#include "convert/prune_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "convert/tensor_selection.h"
#include "core/error.h"
#include "formats/safetensors_writer.h"
#include "models/encoder_names.h"

namespace pf {

PrunedCheckpoint write_pruned_checkpoint(const std::string& config_json,
                                         const EncoderConfig& config, const SafetensorsFile& file,
                                         const std::vector<LayerKeep>& keep,
                                         const std::string& method, double heads_fraction,
                                         double ffn_fraction) {
  const EncoderNames& names = encoder_names(config.model_type);
  const std::string prefix = encoder_tensor_prefix(file, names, config.model_type);
  const int64_t nh = config.num_attention_heads, hd = config.head_dim();
  if ((int64_t)keep.size() != config.num_hidden_layers) {
    fail(ErrorCode::kInvalidArgument, "pruning plan does not cover every layer");
  }
  std::map<std::string, SafetensorsEntry> out;
  for (const auto& [name, view] : file.tensors()) out[name] = copy_of(view);
  auto view = [&](const std::string& name) -> const TensorView& {
    const TensorView* t = file.find(prefix + name);
    if (!t) fail(ErrorCode::kCorruptModel, file.file_name() + ": missing tensor '" + prefix + name + "'");
    return *t;
  };

  nlohmann::ordered_json cfg = nlohmann::ordered_json::parse(config_json, nullptr, false);
  if (cfg.is_discarded() || !cfg.is_object()) fail(ErrorCode::kBadConfig, "config.json is not a JSON object");
  nlohmann::ordered_json pruned_heads = nlohmann::ordered_json::object();
  std::vector<int64_t> heads_per_layer, ffn_per_layer;
  for (size_t l = 0; l < keep.size(); ++l) {
    const EncoderLayerNames n = names.layer((int)l, 0);
    // The layer's current heads by original index (earlier prunings removed some).
    std::vector<int64_t> original;
    const auto before = config.pruned_heads.find((int64_t)l);
    for (int64_t h = 0; h < nh; ++h) {
      if (before == config.pruned_heads.end() ||
          !std::binary_search(before->second.begin(), before->second.end(), h)) {
        original.push_back(h);
      }
    }
    if (view(n.query_weight).shape[0] != (int64_t)original.size() * hd ||
        (!keep[l].heads.empty() && keep[l].heads.back() >= (int64_t)original.size()) ||
        (!keep[l].neurons.empty() && keep[l].neurons.back() >= view(n.ffn_in_weight).shape[0])) {
      fail(ErrorCode::kInvalidArgument,
           "pruning plan does not fit layer " + std::to_string(l) + " of the checkpoint");
    }
    std::vector<int64_t> rows, removed;
    for (size_t h = 0; h < original.size(); ++h) {
      if (std::binary_search(keep[l].heads.begin(), keep[l].heads.end(), (int64_t)h)) {
        for (int64_t d = 0; d < hd; ++d) rows.push_back((int64_t)h * hd + d);
      }
    }
    for (int64_t h = 0; h < nh; ++h) {
      const bool kept = std::any_of(keep[l].heads.begin(), keep[l].heads.end(),
                                    [&](int64_t k) { return k < (int64_t)original.size() && original[(size_t)k] == h; });
      if (!kept) removed.push_back(h);
    }
    for (const std::string* t : {&n.query_weight, &n.query_bias, &n.key_weight, &n.key_bias,
                                 &n.value_weight, &n.value_bias}) {
      out[prefix + *t] = select_rows(view(*t), rows);
    }
    out[prefix + n.attention_out_weight] = select_columns(view(n.attention_out_weight), rows);
    out[prefix + n.ffn_in_weight] = select_rows(view(n.ffn_in_weight), keep[l].neurons);
    out[prefix + n.ffn_in_bias] = select_rows(view(n.ffn_in_bias), keep[l].neurons);
    out[prefix + n.ffn_out_weight] = select_columns(view(n.ffn_out_weight), keep[l].neurons);
    if (!removed.empty()) pruned_heads[std::to_string(l)] = removed;
    heads_per_layer.push_back((int64_t)keep[l].heads.size());
    ffn_per_layer.push_back((int64_t)keep[l].neurons.size());
  }
  cfg["pruned_heads"] = pruned_heads;
  cfg["pocketformer_pruning"] = {
      {"note", "structurally pruned by pocketformer prune; FFN widths differ per layer and are "
               "read from the weight shapes"},
      {"method", method},
      {"heads_fraction", heads_fraction},
      {"ffn_fraction", ffn_fraction},
      {"attention_heads_per_layer", heads_per_layer},
      {"intermediate_size_per_layer", ffn_per_layer},
  };
  return PrunedCheckpoint{cfg.dump(2) + "\n", write_safetensors(out)};
}

}  // namespace pf
