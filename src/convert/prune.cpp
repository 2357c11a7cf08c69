#include "convert/prune.h"

#include "convert/accuracy_report.h"
#include "core/error.h"
#include "convert/prune_importance.h"
#include "convert/prune_plan.h"
#include "tasks/encoder_task.h"

namespace pf {

PruneResult prune_encoder(const std::string& config_json, const std::vector<uint8_t>& safetensors,
                          const std::string& vocab_txt, const PruneOptions& options) {
  const EncoderConfig config = parse_encoder_config(config_json);
  if (config.model_type == "albert") {
    // A shared layer serves several steps, and HF numbers ALBERT's
    // pruned_heads by stored layer, which config.json parsing rejects.
    fail(ErrorCode::kUnsupported, "pruning ALBERT (layers shared across steps) is not supported");
  }
  const SafetensorsFile file = SafetensorsFile::parse(safetensors.data(), safetensors.size());
  const bool by_activation = !options.samples.empty();
  std::vector<LayerImportance> importance;
  if (by_activation) {
    const EncoderParts parts = load_encoder_parts(config_json, safetensors.data(),
                                                  safetensors.size(), vocab_txt, WeightFormat::kF32);
    std::vector<EncoderBatch> batches;
    for (const std::string& text : options.samples) batches.push_back(encode_texts(parts, {text}));
    importance = activation_importance(*parts.model, batches);
  } else {
    importance = magnitude_importance(config, file);
  }
  const std::vector<LayerKeep> keep =
      choose_kept(importance, options.heads_fraction, options.ffn_fraction);

  PruneResult result;
  result.checkpoint = write_pruned_checkpoint(config_json, config, file, keep,
                                              by_activation ? "activation" : "magnitude",
                                              options.heads_fraction, options.ffn_fraction);
  PruneReport& r = result.report;
  r.method = by_activation ? "activation" : "magnitude";
  r.heads_fraction = options.heads_fraction;
  r.ffn_fraction = options.ffn_fraction;
  r.sample_source = by_activation ? "samples file" : "built-in sentences";
  if (by_activation) {
    r.notes.push_back("accuracy measured on the same samples that ranked the neurons");
  }
  measure_pruning(config_json, safetensors, result.checkpoint.config_json,
                  result.checkpoint.safetensors, vocab_txt,
                  by_activation ? options.samples : builtin_samples(), &r);
  return result;
}

}  // namespace pf
