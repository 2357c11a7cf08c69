#include "convert/prune_report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"
#include "tasks/feature_extraction.h"

namespace pf {

namespace {

struct LoadedEncoder {
  EncoderParts parts;
  std::unique_ptr<SequenceClassificationHead> classifier;
  uint64_t params = 0;
};

bool is_sequence_classifier(const std::string& config_json) {
  const nlohmann::json cfg = nlohmann::json::parse(config_json, nullptr, false);
  if (!cfg.is_object() || !cfg.contains("architectures") || !cfg["architectures"].is_array()) return false;
  for (const auto& a : cfg["architectures"]) {
    if (a.is_string() && a.get<std::string>().find("ForSequenceClassification") != std::string::npos) {
      return true;
    }
  }
  return false;
}

LoadedEncoder load(const std::string& config_json, const std::vector<uint8_t>& weights,
                   const std::string& vocab_txt) {
  const bool classifier = is_sequence_classifier(config_json);
  const EncoderConfig config = parse_encoder_config(config_json);
  std::unique_ptr<SequenceClassificationHead> head;
  uint64_t params = 0;
  EncoderParts parts = load_encoder_parts(
      config_json, weights.data(), weights.size(), vocab_txt, WeightFormat::kF32,
      [&](const SafetensorsFile& file) {
        for (const auto& t : file.tensors()) params += (uint64_t)t.second.numel();
        if (classifier) head = SequenceClassificationHead::load(config, file);
      });
  return LoadedEncoder{std::move(parts), std::move(head), params};
}

// Encoder forwards over every batch, repeated until a quarter second has
// passed (at least twice), after one untimed pass that pays one-time setup.
double tokens_per_second(const EncoderModel& model, const std::vector<EncoderBatch>& batches,
                         size_t tokens) {
  for (const EncoderBatch& b : batches) model.forward(b);
  size_t passes = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (passes < 2 || (elapsed < 0.25 && passes < 200)) {
    for (const EncoderBatch& b : batches) model.forward(b);
    ++passes;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return elapsed > 0 ? (double)(tokens * passes) / elapsed : 0;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, v);
  return buf;
}

// Per-layer values; when they do not fit the table's 20-character column,
// runs of equal values are shown once ("1075 x30"). The JSON lists every layer.
std::string list(const std::vector<int64_t>& v) {
  std::string plain, runs;
  for (size_t i = 0; i < v.size(); ++i) plain += (i ? " " : "") + std::to_string(v[i]);
  if (plain.size() <= 20) return plain;
  for (size_t i = 0; i < v.size();) {
    size_t run = 1;
    while (i + run < v.size() && v[i + run] == v[i]) ++run;
    runs += (runs.empty() ? "" : " ") + std::to_string(v[i]) + (run > 1 ? " x" + std::to_string(run) : "");
    i += run;
  }
  return runs;
}

}  // namespace

void measure_pruning(const std::string& config_before, const std::vector<uint8_t>& weights_before,
                     const std::string& config_after, const std::vector<uint8_t>& weights_after,
                     const std::string& vocab_txt, const std::vector<std::string>& texts,
                     PruneReport* r) {
  if (texts.empty()) fail(ErrorCode::kInvalidArgument, "prune report: no sample texts");
  const LoadedEncoder before = load(config_before, weights_before, vocab_txt);
  const LoadedEncoder after = load(config_after, weights_after, vocab_txt);
  const EncoderModel& a = *before.parts.model;
  const EncoderModel& b = *after.parts.model;
  r->bytes_before = weights_before.size();
  r->bytes_after = weights_after.size();
  r->params_before = before.params;
  r->params_after = after.params;
  r->has_classifier = before.classifier && after.classifier;
  for (size_t l = 0; l < (size_t)a.config().num_hidden_layers; ++l) {
    r->heads_before.push_back((int64_t)a.layer_heads(l));
    r->heads_after.push_back((int64_t)b.layer_heads(l));
    r->ffn_before.push_back((int64_t)a.layer_ffn_width(l));
    r->ffn_after.push_back((int64_t)b.layer_ffn_width(l));
  }

  std::vector<EncoderBatch> batches;
  r->tokens = 0;
  for (const std::string& t : texts) {
    batches.push_back(encode_texts(before.parts, {t}));
    r->tokens += batches.back().seq;
  }
  r->samples = batches.size();
  const size_t H = (size_t)a.config().hidden_size;
  double cos_sum = 0;
  size_t agree = 0;
  r->cosine_min = 1.0;
  for (const EncoderBatch& batch : batches) {
    const std::vector<float> ha = a.forward(batch), hb = b.forward(batch);
    const auto pa = mean_pool(ha, batch.attention_mask, 1, batch.seq, H);
    const auto pb = mean_pool(hb, batch.attention_mask, 1, batch.seq, H);
    double dot = 0, na = 0, nb = 0;
    for (size_t d = 0; d < H; ++d) {
      dot += (double)pa[d] * pb[d];
      na += (double)pa[d] * pa[d];
      nb += (double)pb[d] * pb[d];
    }
    const double cos = na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
    cos_sum += cos;
    r->cosine_min = std::min(r->cosine_min, cos);
    if (r->has_classifier) {
      const auto la = before.classifier->forward(a, ha, 1, batch.seq);
      const auto lb = after.classifier->forward(b, hb, 1, batch.seq);
      agree += std::max_element(la.begin(), la.end()) - la.begin() ==
               std::max_element(lb.begin(), lb.end()) - lb.begin();
    }
  }
  r->cosine_mean = cos_sum / (double)batches.size();
  r->argmax_agreement = r->has_classifier ? (double)agree / (double)batches.size() : 0;
  r->tokens_per_s_before = tokens_per_second(a, batches, r->tokens);
  r->tokens_per_s_after = tokens_per_second(b, batches, r->tokens);
}

std::string PruneReport::to_json() const {
  nlohmann::ordered_json j = {
      {"kind", kind},
      {"method", method},
      {"heads_fraction", heads_fraction},
      {"ffn_fraction", ffn_fraction},
      {"sample_source", sample_source},
      {"samples", samples},
      {"tokens", tokens},
      {"attention_heads_before", heads_before},
      {"attention_heads_after", heads_after},
      {"ffn_width_before", ffn_before},
      {"ffn_width_after", ffn_after},
      {"bytes_before", bytes_before},
      {"bytes_after", bytes_after},
      {"params_before", params_before},
      {"params_after", params_after},
  };
  if (kind == "decoder") {
    j["positions"] = positions;
    for (const auto& [key, value] : logit_fields()) j[key] = value;
  } else {
    j["tokens_per_s_before"] = tokens_per_s_before;
    j["tokens_per_s_after"] = tokens_per_s_after;
    j["embedding_cosine_mean"] = cosine_mean;
    j["embedding_cosine_min"] = cosine_min;
    j["has_classifier"] = has_classifier;
    j["argmax_agreement"] =
        has_classifier ? nlohmann::ordered_json(argmax_agreement) : nlohmann::ordered_json();
  }
  j["notes"] = notes;
  return j.dump(2);
}

std::string PruneReport::to_table() const {
  std::string s;
  auto row = [&](const std::string& name, const std::string& before, const std::string& after) {
    char buf[512];
    std::snprintf(buf, sizeof(buf), "  %-30s %20s %20s\n", name.c_str(), before.c_str(), after.c_str());
    s += buf;
  };
  s += "prune report: " + method + " importance, heads " + fmt("%.3g", heads_fraction) + ", FFN " +
       fmt("%.3g", ffn_fraction) + "; " + std::to_string(samples) + " samples / " +
       std::to_string(tokens) + " tokens (" + sample_source + ")\n";
  row("", "unpruned", "pruned");
  row("heads per layer", list(heads_before), list(heads_after));
  row("FFN width per layer", list(ffn_before), list(ffn_after));
  row("weights size (MB)", fmt("%.3f", bytes_before / 1e6), fmt("%.3f", bytes_after / 1e6));
  row("parameters", std::to_string(params_before), std::to_string(params_after));
  if (kind == "decoder") {
    logit_rows(row);
  } else {
    row("encoder speed (tokens/s)", fmt("%.1f", tokens_per_s_before), fmt("%.1f", tokens_per_s_after));
    row("embedding cosine mean / min", "", fmt("%.6f", cosine_mean) + " / " + fmt("%.6f", cosine_min));
    if (has_classifier) row("classification argmax agreement", "", fmt("%.2f%%", 100 * argmax_agreement));
  }
  for (const std::string& n : notes) s += "  note: " + n + "\n";
  return s;
}

}  // namespace pf
