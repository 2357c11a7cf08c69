// Task heads on top of the BERT-family encoder, with Hugging Face's tensor
// names (modeling_bert.py / modeling_distilbert.py / modeling_roberta.py /
// modeling_electra.py / modeling_albert.py), stored at the top level of a
// task checkpoint beside the "bert." / "distilbert." / ... encoder:
//  - sequence classification: BERT / ALBERT classifier(pooler(h[CLS]));
//    DistilBERT classifier(ReLU(pre_classifier(h[CLS])));
//    RoBERTa classifier.out_proj(tanh(classifier.dense(h[<s>])));
//    ELECTRA classifier.out_proj(gelu(classifier.dense(h[CLS])));
//  - per-token linear: BertForTokenClassification's "classifier",
//    *ForQuestionAnswering's "qa_outputs" (start, end logits);
//  - masked LM: BERT cls.predictions.{transform.dense, gelu, transform.LayerNorm,
//    decoder tied to the word embeddings, bias}; DistilBERT vocab_transform,
//    gelu, vocab_layer_norm, vocab_projector (tied); RoBERTa lm_head.{dense,
//    gelu, layer_norm, decoder (tied), bias}; ALBERT predictions.{dense (to
//    embedding_size), hidden_act, LayerNorm, decoder (tied), bias}.
// Dropout is inactive at inference, so it does not appear.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/model_config.h"
#include "formats/safetensors.h"
#include "kernels/linear.h"
#include "models/encoder.h"

namespace pf {

class SequenceClassificationHead {
 public:
  // The head is a handful of outputs: its layers stay f32 whatever the
  // encoder's precision (negligible cost, and they decide the answer).
  static std::unique_ptr<SequenceClassificationHead> load(const EncoderConfig& config,
                                                          const SafetensorsFile& file);
  size_t num_labels() const { return classifier_->out_features(); }
  // hidden: last_hidden_state [batch * seq, H] -> logits [batch, num_labels].
  std::vector<float> forward(const EncoderModel& encoder, const std::vector<float>& hidden,
                             size_t batch, size_t seq) const;

 private:
  // What goes into the classifier, per family.
  enum class Features { kPooler, kRelu, kTanh, kGelu };
  Features features_ = Features::kPooler;
  std::unique_ptr<Linear> dense_;  // DistilBERT pre_classifier, RoBERTa/ELECTRA classifier.dense
  std::unique_ptr<Linear> classifier_;
};

class TokenLinearHead {
 public:
  // `name` is "classifier" or "qa_outputs"; `outputs` 0 takes the count from
  // the file, otherwise the file must have exactly that many.
  static std::unique_ptr<TokenLinearHead> load(const EncoderConfig& config,
                                               const SafetensorsFile& file,
                                               const std::string& name, size_t outputs = 0);
  size_t outputs() const { return linear_->out_features(); }
  // rows of hidden states [rows, H] -> [rows, outputs].
  std::vector<float> forward(const float* hidden, size_t rows) const;

 private:
  std::unique_ptr<Linear> linear_;
};

class MaskedLMHead {
 public:
  // The vocabulary projection is the big one: it follows `format`.
  static std::unique_ptr<MaskedLMHead> load(const EncoderConfig& config,
                                            const SafetensorsFile& file, WeightFormat format);
  // rows of hidden states [rows, H] -> vocabulary logits [rows, vocab].
  std::vector<float> forward(const float* hidden, size_t rows) const;

 private:
  EncoderConfig config_;
  EncoderActivation activation_ = EncoderActivation::kGeluErf;
  std::unique_ptr<Linear> transform_;  // [H] -> [embedding_size]
  std::vector<float> ln_gamma_, ln_beta_;
  std::unique_ptr<Linear> decoder_;
};

}  // namespace pf
