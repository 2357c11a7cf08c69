#include "convert/decoder_prune_report.h"

#include <algorithm>
#include <memory>

#include "convert/decoder_comparison.h"
#include "formats/safetensors.h"
#include "models/hf_decoder_weights.h"
#include "models/llama.h"

namespace pf {

namespace {

struct LoadedDecoder {
  std::unique_ptr<LlamaModel> model;
  uint64_t params = 0;
};

LoadedDecoder load(const std::string& config_json, const std::vector<uint8_t>& weights,
                   int64_t max_context) {
  const DecoderConfig config = parse_decoder_config(config_json, max_context);
  const SafetensorsFile file = SafetensorsFile::parse(weights.data(), weights.size());
  LoadedDecoder d;
  for (const auto& t : file.tensors()) d.params += (uint64_t)t.second.numel();
  d.model = LlamaModel::load(config, HfDecoderWeights(config, file), WeightFormat::kF32);
  return d;
}

}  // namespace

void measure_decoder_pruning(const std::string& config_before,
                             const std::vector<uint8_t>& weights_before,
                             const std::string& config_after,
                             const std::vector<uint8_t>& weights_after,
                             const std::vector<std::vector<int32_t>>& inputs, PruneReport* r) {
  size_t longest = 1;
  for (const auto& ids : inputs) longest = std::max(longest, ids.size());
  const LoadedDecoder before = load(config_before, weights_before, (int64_t)longest);
  const LoadedDecoder after = load(config_after, weights_after, (int64_t)longest);
  r->kind = "decoder";
  r->bytes_before = weights_before.size();
  r->bytes_after = weights_after.size();
  r->params_before = before.params;
  r->params_after = after.params;
  const DecoderConfig& c = before.model->config();
  for (size_t l = 0; l < (size_t)c.n_layers; ++l) {
    r->heads_before.push_back(c.n_heads);
    r->heads_after.push_back(after.model->config().n_heads);
    r->ffn_before.push_back((int64_t)before.model->layer_ffn_width(l));
    r->ffn_after.push_back((int64_t)after.model->layer_ffn_width(l));
  }
  static_cast<DecoderComparison&>(*r) = compare_decoders(*before.model, *after.model, inputs);
  r->tokens = r->positions;  // one logit vector per token
}

}  // namespace pf
