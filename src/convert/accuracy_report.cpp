#include "convert/accuracy_report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

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

double log_softmax_at(const std::vector<float>& logits, int32_t id) {
  const float mx = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (float l : logits) sum += std::exp((double)l - mx);
  return (double)logits[(size_t)id] - mx - std::log(sum);
}

size_t argmax(const std::vector<float>& v) {
  return (size_t)(std::max_element(v.begin(), v.end()) - v.begin());
}

// Runs `ids` one token per forward, returning every position's logits and
// the wall time spent in forward.
std::vector<std::vector<float>> run(LlamaModel& m, const std::vector<int32_t>& ids, double* seconds) {
  m.reset();
  std::vector<std::vector<float>> out;
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < ids.size(); ++i) out.push_back(m.forward(&ids[i], 1, i));
  *seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

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
    for (const std::string& s : samples) {
      std::vector<int32_t> ids = tok->encode(s, tok->bos_id() >= 0, false);
      if (ids.size() > max_tokens) ids.resize(max_tokens);
      if (ids.size() >= 2) inputs.push_back(std::move(ids));
    }
  } else {
    // No tokenizer to turn text into ids: seeded pseudo-random ids still
    // compare the two models position by position (perplexity is then of
    // noise, comparable only before vs after).
    r.sample_source = "random token ids (no tokenizer in the source)";
    uint64_t state = 0x9E3779B97F4A7C15ull;
    for (int s = 0; s < 4; ++s) {
      std::vector<int32_t> ids;
      for (size_t i = 0; i < std::min<size_t>(max_tokens, 32); ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        ids.push_back((int32_t)((state >> 33) % (uint64_t)source.config().vocab_size));
      }
      inputs.push_back(std::move(ids));
    }
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

  // One untimed pass each first: the first forward pays one-time setup
  // (operator creation, page faults) that is not the model's speed.
  double warmup = 0;
  run(*before, inputs[0], &warmup);
  run(*after, inputs[0], &warmup);
  double t_before = 0, t_after = 0, nll_before = 0, nll_after = 0, cos_sum = 0;
  size_t agree = 0, predicted = 0, tokens = 0;
  r.cosine_min = 1.0;
  for (const auto& ids : inputs) {
    const auto a = run(*before, ids, &t_before);
    const auto b = run(*after, ids, &t_after);
    tokens += ids.size();
    r.samples++;
    for (size_t i = 0; i < ids.size(); ++i) {
      double dot = 0, na = 0, nb = 0;
      for (size_t k = 0; k < a[i].size(); ++k) {
        dot += (double)a[i][k] * b[i][k];
        na += (double)a[i][k] * a[i][k];
        nb += (double)b[i][k] * b[i][k];
        r.max_abs_diff = std::max(r.max_abs_diff, (double)std::fabs(a[i][k] - b[i][k]));
      }
      const double cos = na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
      cos_sum += cos;
      r.cosine_min = std::min(r.cosine_min, cos);
      if (argmax(a[i]) == argmax(b[i])) ++agree;
      r.positions++;
      if (i + 1 < ids.size()) {
        nll_before -= log_softmax_at(a[i], ids[i + 1]);
        nll_after -= log_softmax_at(b[i], ids[i + 1]);
        ++predicted;
      }
    }
  }
  r.cosine_mean = cos_sum / (double)r.positions;
  r.argmax_agreement = (double)agree / (double)r.positions;
  r.perplexity_before = std::exp(nll_before / (double)predicted);
  r.perplexity_after = std::exp(nll_after / (double)predicted);
  r.tokens_per_s_before = t_before > 0 ? (double)tokens / t_before : 0;
  r.tokens_per_s_after = t_after > 0 ? (double)tokens / t_after : 0;
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
  j["logit_cosine_mean"] = cosine_mean;
  j["logit_cosine_min"] = cosine_min;
  j["logit_max_abs_diff"] = max_abs_diff;
  j["argmax_agreement"] = argmax_agreement;
  j["perplexity_before"] = perplexity_before;
  j["perplexity_after"] = perplexity_after;
  j["tokens_per_s_before"] = tokens_per_s_before;
  j["tokens_per_s_after"] = tokens_per_s_after;
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
  row("perplexity", fmt("%.6g", perplexity_before), fmt("%.6g", perplexity_after));
  row("decode speed (tokens/s)", fmt("%.1f", tokens_per_s_before), fmt("%.1f", tokens_per_s_after));
  row("logit cosine mean / min", "", fmt("%.6f", cosine_mean) + " / " + fmt("%.6f", cosine_min));
  row("logit max |diff|", "", fmt("%.3g", max_abs_diff));
  row("next-token argmax agreement", "", fmt("%.2f%%", 100 * argmax_agreement));
  for (const std::string& n : notes) s += "  note: " + n + "\n";
  return s;
}

}  // namespace pf
