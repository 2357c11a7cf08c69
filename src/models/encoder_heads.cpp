#include "models/encoder_heads.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "kernels/norms.h"
#include "models/encoder_activation.h"
#include "models/encoder_names.h"
#include "models/weight_loader.h"

namespace pf {

namespace {

bool is_distilbert(const EncoderConfig& config) { return config.model_type == "distilbert"; }

// The output count of a head layer as the checkpoint stores it.
size_t rows_of(const SafetensorsFile& file, const std::string& name, int64_t in_features) {
  const TensorView* t = file.find(name);
  if (t == nullptr) {
    fail(ErrorCode::kCorruptModel, file.file_name() + ": missing tensor '" + name +
                                       "' (is this checkpoint made for this task?)");
  }
  if (t->shape.size() != 2 || t->shape[1] != in_features || t->shape[0] < 1 ||
      t->shape[0] > (1 << 22)) {
    fail(ErrorCode::kCorruptModel, file.file_name() + ": tensor '" + name + "' has shape " +
                                       t->shape_string() + ", expected [outputs, " +
                                       std::to_string(in_features) + "]");
  }
  return (size_t)t->shape[0];
}

std::unique_ptr<Linear> load_linear(const WeightLoader& w, const std::string& name, int64_t in,
                                    int64_t out, WeightFormat format) {
  const auto weight = w.get(name + ".weight", {out, in});
  const auto bias = w.get(name + ".bias", {out});
  return std::make_unique<Linear>((size_t)in, (size_t)out, weight.data(), bias.data(), format);
}

}  // namespace

std::unique_ptr<SequenceClassificationHead> SequenceClassificationHead::load(
    const EncoderConfig& config, const SafetensorsFile& file) {
  const int64_t H = config.hidden_size;
  const WeightLoader w(file, "");
  auto head = std::unique_ptr<SequenceClassificationHead>(new SequenceClassificationHead());
  // RoBERTa and ELECTRA nest their head: classifier.dense, classifier.out_proj.
  const bool nested = config.is_roberta() || config.model_type == "electra";
  const std::string out = nested ? "classifier.out_proj" : "classifier";
  const int64_t labels = (int64_t)rows_of(file, out + ".weight", H);
  if (is_distilbert(config)) {
    head->features_ = Features::kRelu;
    head->dense_ = load_linear(w, "pre_classifier", H, H, WeightFormat::kF32);
  } else if (nested) {
    head->features_ = config.is_roberta() ? Features::kTanh : Features::kGelu;
    head->dense_ = load_linear(w, "classifier.dense", H, H, WeightFormat::kF32);
  }
  head->classifier_ = load_linear(w, out, H, labels, WeightFormat::kF32);
  return head;
}

std::vector<float> SequenceClassificationHead::forward(const EncoderModel& encoder,
                                                       const std::vector<float>& hidden,
                                                       size_t batch, size_t seq) const {
  const size_t H = (size_t)encoder.config().hidden_size;
  std::vector<float> features;
  if (dense_) {
    // The first token's hidden state -> dense -> the family's activation.
    std::vector<float> cls(batch * H);
    for (size_t b = 0; b < batch; ++b) {
      std::copy(&hidden[b * seq * H], &hidden[b * seq * H] + H, &cls[b * H]);
    }
    features.resize(batch * H);
    dense_->run(cls.data(), batch, features.data());
    if (features_ == Features::kRelu) {
      for (float& v : features) v = std::max(v, 0.f);
    } else if (features_ == Features::kTanh) {
      for (float& v : features) v = std::tanh(v);
    } else {
      gelu_erf(features.data(), features.size());
    }
  } else {
    if (!encoder.has_pooler()) {
      const std::string& type = encoder.config().model_type;
      fail(ErrorCode::kCorruptModel, type + " sequence classification needs the pooler weights (" +
                                         type + "." + encoder_names(type).pooler_weight + ")");
    }
    features = encoder.pool_cls(hidden, batch, seq);
  }
  std::vector<float> logits(batch * num_labels());
  classifier_->run(features.data(), batch, logits.data());
  return logits;
}

std::unique_ptr<TokenLinearHead> TokenLinearHead::load(const EncoderConfig& config,
                                                       const SafetensorsFile& file,
                                                       const std::string& name, size_t outputs) {
  const int64_t H = config.hidden_size;
  const size_t found = rows_of(file, name + ".weight", H);
  if (outputs != 0 && found != outputs) {
    fail(ErrorCode::kCorruptModel, file.file_name() + ": tensor '" + name + ".weight' has " +
                                       std::to_string(found) + " outputs, expected " +
                                       std::to_string(outputs));
  }
  auto head = std::unique_ptr<TokenLinearHead>(new TokenLinearHead());
  head->linear_ = load_linear(WeightLoader(file, ""), name, H, (int64_t)found, WeightFormat::kF32);
  return head;
}

std::vector<float> TokenLinearHead::forward(const float* hidden, size_t rows) const {
  std::vector<float> out(rows * outputs());
  linear_->run(hidden, rows, out.data());
  return out;
}

namespace {

// Where each family keeps its masked-LM head.
struct MaskedLMNames {
  std::string transform, norm, decoder, bias;
};

MaskedLMNames masked_lm_names(const EncoderConfig& config) {
  if (is_distilbert(config)) {
    return {"vocab_transform", "vocab_layer_norm", "vocab_projector", "vocab_projector.bias"};
  }
  if (config.is_roberta()) return {"lm_head.dense", "lm_head.layer_norm", "lm_head.decoder", "lm_head.bias"};
  if (config.model_type == "albert") {
    return {"predictions.dense", "predictions.LayerNorm", "predictions.decoder", "predictions.bias"};
  }
  return {"cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm",
          "cls.predictions.decoder", "cls.predictions.bias"};
}

}  // namespace

std::unique_ptr<MaskedLMHead> MaskedLMHead::load(const EncoderConfig& config,
                                                 const SafetensorsFile& file,
                                                 WeightFormat format) {
  // The transform maps H to the word embeddings' width E (ALBERT's
  // factorized E < H; E == H for the others), which the tied decoder reads.
  const int64_t H = config.hidden_size, E = config.embedding_size, V = config.vocab_size;
  const WeightLoader w(file, "");
  if (config.model_type == "electra") {
    fail(ErrorCode::kUnsupported,
         "fill-mask: ELECTRA discriminators have no masked-LM head (only the generator has one)");
  }
  const MaskedLMNames n = masked_lm_names(config);

  auto head = std::unique_ptr<MaskedLMHead>(new MaskedLMHead());
  head->config_ = config;
  // RobertaLMHead applies the erf GELU whatever hidden_act says; the others
  // follow hidden_act.
  head->activation_ = config.is_roberta() ? EncoderActivation::kGeluErf : config.activation;
  head->transform_ = load_linear(w, n.transform, H, E, format);
  head->ln_gamma_ = w.get(n.norm + ".weight", {E});
  head->ln_beta_ = w.get(n.norm + ".bias", {E});
  // The projection is tied to the word embeddings; checkpoints saved with
  // tied weights store it once, under the encoder's name.
  std::vector<float> weight;
  if (w.has(n.decoder + ".weight")) {
    weight = w.get(n.decoder + ".weight", {V, E});
  } else {
    const EncoderNames& names = encoder_names(config.model_type);
    for (const std::string& prefix : names.prefixes) {
      if (file.find(prefix + names.word_embeddings)) {
        weight = WeightLoader(file, prefix).get(names.word_embeddings, {V, E});
        break;
      }
    }
    if (weight.empty()) {
      fail(ErrorCode::kCorruptModel, file.file_name() + ": missing tensor '" + n.decoder +
                                         ".weight' and the word embeddings it is tied to");
    }
  }
  const std::vector<float> b = w.has(n.bias) ? w.get(n.bias, {V}) : w.get(n.decoder + ".bias", {V});
  head->decoder_ = std::make_unique<Linear>((size_t)E, (size_t)V, weight.data(), b.data(), format);
  return head;
}

std::vector<float> MaskedLMHead::forward(const float* hidden, size_t rows) const {
  const size_t E = (size_t)config_.embedding_size;
  std::vector<float> x(rows * E), scratch;
  transform_->run(hidden, rows, x.data());
  apply_activation(activation_, x.data(), x.size(), &scratch);
  layer_norm(x.data(), nullptr, rows, E, ln_gamma_.data(), ln_beta_.data(),
             (float)config_.layer_norm_eps, x.data());
  std::vector<float> logits(rows * decoder_->out_features());
  decoder_->run(x.data(), rows, logits.data());
  return logits;
}

}  // namespace pf
