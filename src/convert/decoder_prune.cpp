#include "convert/decoder_prune.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "convert/accuracy_report.h"
#include "convert/decoder_comparison.h"
#include "convert/decoder_prune_importance.h"
#include "convert/decoder_prune_report.h"
#include "convert/decoder_prune_writer.h"
#include "convert/prune_plan.h"
#include "core/error.h"
#include "formats/safetensors.h"
#include "models/hf_decoder_weights.h"
#include "tokenizers/text_tokenizer.h"

namespace pf {

namespace {

// Logit comparisons stay short, as `convert`'s; activation ranking sees
// longer texts whole (up to the model's context).
constexpr size_t kReportTokens = 64;
constexpr size_t kRankingTokens = 512;

std::unique_ptr<TextTokenizer> tokenizer_of(const DecoderPruneInput& in) {
  if (!in.tokenizer_json.empty()) return make_text_tokenizer(Tokenizer::from_json(in.tokenizer_json));
  if (!in.tokenizer_model.empty()) {
    return make_text_tokenizer(
        SentencePieceTokenizer::from_model_proto(in.tokenizer_model.data(), in.tokenizer_model.size()));
  }
  return nullptr;
}

std::vector<std::vector<int32_t>> token_ids(const TextTokenizer& tok,
                                            const std::vector<std::string>& texts, size_t max_tokens) {
  return sample_token_ids(texts, [&](const std::string& s) { return tok.encode(s, true); },
                          max_tokens);
}

}  // namespace

bool is_decoder_config_json(const std::string& config_json) {
  const nlohmann::json cfg = nlohmann::json::parse(config_json, nullptr, false);
  if (!cfg.is_object() || !cfg.contains("model_type") || !cfg["model_type"].is_string()) return false;
  const std::string t = cfg["model_type"].get<std::string>();
  return t == "llama" || t == "qwen2" || t == "gpt2";
}

PruneResult prune_decoder(const DecoderPruneInput& input, const PruneOptions& options) {
  const DecoderConfig config = parse_decoder_config(input.config_json);
  if (config.model_type == "gpt2") {
    fail(ErrorCode::kUnsupported, "pruning gpt2 is not supported (Llama-family decoders only)");
  }
  if (options.heads_fraction != 0) {
    fail(ErrorCode::kUnsupported,
         "pruning attention heads is not supported for decoders yet (grouped-query attention); "
         "prune FFN neurons with --ffn");
  }
  const SafetensorsFile file = SafetensorsFile::parse(input.safetensors.data(), input.safetensors.size());
  const HfDecoderWeights weights(config, file);
  const std::unique_ptr<TextTokenizer> tokenizer = tokenizer_of(input);
  const bool by_activation = !options.samples.empty();
  if (by_activation && !tokenizer) {
    fail(ErrorCode::kInvalidArgument,
         "activation-based pruning needs a tokenizer (tokenizer.json or tokenizer.model) for the samples");
  }

  std::vector<std::vector<double>> importance;
  if (by_activation) {
    const auto ids = token_ids(*tokenizer, options.samples,
                               std::min(kRankingTokens, (size_t)config.max_context));
    size_t longest = 1;
    for (const auto& s : ids) longest = std::max(longest, s.size());
    DecoderConfig ranking = config;
    ranking.max_context = (int64_t)longest;
    auto model = LlamaModel::load(ranking, weights, WeightFormat::kF32);
    importance = decoder_activation_importance(*model, ids);
  } else {
    importance = decoder_magnitude_importance(config, weights);
  }
  const std::vector<std::vector<int64_t>> keep = choose_kept_neurons(importance, options.ffn_fraction);
  const std::string method = by_activation ? "activation" : "magnitude";

  PruneResult result;
  result.checkpoint =
      write_pruned_decoder(input.config_json, config, file, keep, method, options.ffn_fraction);
  PruneReport& r = result.report;
  r.method = method;
  r.heads_fraction = 0;
  r.ffn_fraction = options.ffn_fraction;
  const size_t report_tokens = std::max<size_t>(2, std::min(kReportTokens, (size_t)config.max_context));
  std::vector<std::vector<int32_t>> inputs;
  if (tokenizer) {
    r.sample_source = by_activation ? "samples file" : "built-in sentences";
    inputs = token_ids(*tokenizer, by_activation ? options.samples : builtin_samples(), report_tokens);
  } else {
    r.sample_source = "random token ids (no tokenizer in the model directory)";
    inputs = random_token_ids(config.vocab_size, report_tokens);
  }
  if (by_activation) r.notes.push_back("accuracy measured on the same samples that ranked the neurons");
  measure_decoder_pruning(input.config_json, input.safetensors, result.checkpoint.config_json,
                          result.checkpoint.safetensors, inputs, &r);
  return result;
}

}  // namespace pf
