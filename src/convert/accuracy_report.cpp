#include "convert/accuracy_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "convert/decoder_comparison.h"
#include "core/error.h"
#include "formats/gguf.h"
#include "formats/gguf_decoder_config.h"
#include "models/gguf_decoder_weights.h"
#include "models/llama.h"

namespace pf {

const std::vector<std::string>& builtin_samples() {
  static const std::vector<std::string> samples = {
      "Once upon a time, there was a little girl who loved to play in the park.",
      "The quick brown fox jumps over the lazy dog near the river bank.",
      "Tom and his mom went to the store to buy some apples and milk.",
      "It was a sunny day, and the birds were singing in the tall green trees.",
  };
  return samples;
}

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, v);
  return buf;
}

}  // namespace

AccuracyReport measure_accuracy(const ConvertSource& source, const std::vector<uint8_t>& gguf,
                                const std::string& dtype, std::vector<std::string> samples,
                                size_t max_tokens) {
  AccuracyReport r;
  r.dtype = dtype;
  r.bytes_before = source.weight_file_bytes();
  r.bytes_after = gguf.size();
  max_tokens = std::max<size_t>(2, std::min<size_t>(max_tokens, (size_t)source.config().max_context));

  std::vector<std::vector<int32_t>> inputs;
  const SentencePieceTokenizer* tok = source.tokenizer();
  if (tok) {
    r.sample_source = samples.empty() ? "built-in sentences" : "samples file";
    if (samples.empty()) samples = builtin_samples();
    inputs = sample_token_ids(
        samples, [&](const std::string& s) { return tok->encode(s, tok->bos_id() >= 0, false); },
        max_tokens);
  } else {
    r.sample_source = "random token ids (no tokenizer in the source)";
    inputs = random_token_ids(source.config().vocab_size, max_tokens);
  }
  if (inputs.empty()) {
    fail(ErrorCode::kInvalidArgument, "accuracy report: no sample has 2 or more tokens");
  }

  DecoderConfig cfg = source.config();
  cfg.max_context = (int64_t)max_tokens;
  auto before = LlamaModel::load(cfg, source.weights(), WeightFormat::kF32);
  const GgufFile file = GgufFile::parse(gguf.data(), gguf.size(), "converted.gguf");
  const DecoderConfig gcfg = decoder_config_from_gguf(file, (int64_t)max_tokens);
  const WeightFormat format = default_weight_format(file);
  r.runtime_format = weight_format_name(format);
  auto after = LlamaModel::load(gcfg, GgufDecoderWeights(gcfg, file), format);

  static_cast<DecoderComparison&>(r) = compare_decoders(*before, *after, inputs);
  return r;
}

std::string AccuracyReport::to_json() const {
  // Keys shared by both kinds; nlohmann::json objects keep keys sorted, so
  // adding the kind's own keys afterwards gives the same document.
  nlohmann::json j = {
      {"kind", kind},
      {"dtype", dtype},
      {"runtime_format", runtime_format},
      {"sample_source", sample_source},
      {"samples", samples},
      {"positions", positions},
      {"bytes_before", bytes_before},
      {"bytes_after", bytes_after},
      {"notes", notes},
  };
  if (kind == "encoder") {
    j["hidden_cosine_mean"] = cosine_mean;
    j["hidden_cosine_min"] = cosine_min;
    j["hidden_max_abs_diff"] = max_abs_diff;
    j["head"] = head;
    j["head_rows"] = head_rows;
    j["head_argmax_agreement"] = head_rows ? nlohmann::json(argmax_agreement) : nlohmann::json();
    return j.dump(2);
  }
  for (const auto& [key, value] : logit_fields()) j[key] = value;
  return j.dump(2);
}

std::string AccuracyReport::to_table() const {
  std::string s;
  auto row = [&](const std::string& name, const std::string& before, const std::string& after) {
    char buf[256];
    std::snprintf(buf, sizeof(buf), "  %-26s %16s %16s\n", name.c_str(), before.c_str(),
                  after.c_str());
    s += buf;
  };
  s += "accuracy report: " + dtype + " GGUF (runs as " + runtime_format + "), " +
       std::to_string(samples) + " samples / " + std::to_string(positions) + " positions (" +
       sample_source + ")\n";
  row("", "original (f32)", "converted");
  if (kind == "encoder") {
    row("weights size (MB)", fmt("%.3f", bytes_before / 1e6), fmt("%.3f", bytes_after / 1e6));
    row("hidden cosine mean / min", "", fmt("%.6f", cosine_mean) + " / " + fmt("%.6f", cosine_min));
    row("hidden max |diff|", "", fmt("%.3g", max_abs_diff));
    if (head_rows) {
      row(head + " argmax agreement", "",
          fmt("%.2f%%", 100 * argmax_agreement) + " of " + std::to_string(head_rows));
    }
    for (const std::string& n : notes) s += "  note: " + n + "\n";
    return s;
  }
  row("weights size (MB)", fmt("%.3f", bytes_before / 1e6), fmt("%.3f", bytes_after / 1e6));
  logit_rows(row);
  for (const std::string& n : notes) s += "  note: " + n + "\n";
  return s;
}

}  // namespace pf
