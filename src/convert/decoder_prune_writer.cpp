#include "convert/decoder_prune_writer.h"

#include <map>
#include <nlohmann/json.hpp>

#include "convert/tensor_selection.h"
#include "core/error.h"
#include "formats/safetensors_writer.h"
#include "models/hf_decoder_weights.h"

namespace pf {

PrunedCheckpoint write_pruned_decoder(const std::string& config_json, const DecoderConfig& config,
                                      const SafetensorsFile& file,
                                      const std::vector<std::vector<int64_t>>& kept_neurons,
                                      const std::string& method, double ffn_fraction) {
  const HfDecoderWeights weights(config, file);
  if ((int64_t)kept_neurons.size() != config.n_layers) {
    fail(ErrorCode::kInvalidArgument, "pruning plan does not cover every layer");
  }
  std::map<std::string, SafetensorsEntry> out;
  for (const auto& [name, view] : file.tensors()) out[name] = copy_of(view);

  std::vector<int64_t> widths;
  for (int l = 0; l < (int)config.n_layers; ++l) {
    const std::vector<int64_t>& keep = kept_neurons[(size_t)l];
    const int64_t width = weights.ffn_width(config, l);
    if (keep.empty() || keep.front() < 0 || keep.back() >= width) {
      fail(ErrorCode::kInvalidArgument,
           "pruning plan does not fit layer " + std::to_string(l) + " of the checkpoint");
    }
    const std::string mlp = weights.prefix() + "layers." + std::to_string(l) + ".mlp.";
    for (const char* rows : {"gate_proj.weight", "up_proj.weight", "gate_proj.bias", "up_proj.bias"}) {
      if (const TensorView* t = file.find(mlp + rows)) out[mlp + rows] = select_rows(*t, keep);
    }
    out[mlp + "down_proj.weight"] = select_columns(*file.find(mlp + "down_proj.weight"), keep);
    widths.push_back((int64_t)keep.size());
  }

  nlohmann::ordered_json cfg = nlohmann::ordered_json::parse(config_json, nullptr, false);
  if (cfg.is_discarded() || !cfg.is_object()) fail(ErrorCode::kBadConfig, "config.json is not a JSON object");
  cfg["pocketformer_pruning"] = {
      {"note", "FFN neurons structurally pruned by pocketformer prune; intermediate_size is the "
               "unpruned width, each layer's width is read from its mlp weight shapes"},
      {"method", method},
      {"ffn_fraction", ffn_fraction},
      {"intermediate_size_per_layer", widths},
  };
  return PrunedCheckpoint{cfg.dump(2) + "\n", write_safetensors(out)};
}

}  // namespace pf
