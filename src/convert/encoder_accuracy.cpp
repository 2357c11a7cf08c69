// measure_encoder_accuracy (declared in encoder_gguf_export.h).
#include <algorithm>
#include <cmath>
#include <memory>

#include "convert/encoder_gguf_export.h"
#include "core/error.h"
#include "formats/model_config.h"
#include "formats/safetensors.h"
#include "models/encoder.h"
#include "models/encoder_heads.h"
#include "tasks/encoder_task.h"
#include "tasks/gguf_encoder_checkpoint.h"

namespace pf {

namespace {

// One loaded side of the comparison: encoder + the head's logits as rows
// whose argmax is the model's answer.
struct Side {
  EncoderConfig config;
  std::unique_ptr<SafetensorsFile> file;
  std::unique_ptr<EncoderModel> model;
  std::unique_ptr<SequenceClassificationHead> seq;
  std::unique_ptr<TokenLinearHead> token;
  std::unique_ptr<MaskedLMHead> mlm;

  Side(const std::string& config_json, const std::vector<uint8_t>& st, EncoderHeadKind head,
       WeightFormat format)
      : config(parse_encoder_config(config_json)),
        file(new SafetensorsFile(SafetensorsFile::parse(st.data(), st.size()))),
        model(EncoderModel::load(config, *file, format)) {
    switch (head) {
      case EncoderHeadKind::kNone: break;
      case EncoderHeadKind::kSequenceClassification:
        seq = SequenceClassificationHead::load(config, *file);
        break;
      case EncoderHeadKind::kTokenClassification:
        token = TokenLinearHead::load(config, *file, "classifier");
        break;
      case EncoderHeadKind::kQuestionAnswering:
        token = TokenLinearHead::load(config, *file, "qa_outputs", 2);
        break;
      case EncoderHeadKind::kMaskedLM: mlm = MaskedLMHead::load(config, *file, format); break;
    }
  }

  // Rows of scores to take the argmax of.
  std::vector<std::vector<float>> head_rows(const std::vector<float>& hidden, size_t seq_len,
                                            bool qa) const {
    std::vector<float> flat;
    size_t width = 0;
    if (seq) {
      flat = seq->forward(*model, hidden, 1, seq_len);
      width = seq->num_labels();
    } else if (token) {
      flat = token->forward(hidden.data(), seq_len);
      width = token->outputs();
    } else if (mlm) {
      flat = mlm->forward(hidden.data(), seq_len);
      width = flat.size() / seq_len;
    } else {
      return {};
    }
    std::vector<std::vector<float>> rows;
    if (qa) {  // start and end logits over the positions
      for (size_t k = 0; k < 2; ++k) {
        std::vector<float> r(seq_len);
        for (size_t s = 0; s < seq_len; ++s) r[s] = flat[s * 2 + k];
        rows.push_back(std::move(r));
      }
      return rows;
    }
    for (size_t i = 0; i + width <= flat.size(); i += width) {
      rows.emplace_back(flat.begin() + (ptrdiff_t)i, flat.begin() + (ptrdiff_t)(i + width));
    }
    return rows;
  }
};

size_t argmax(const std::vector<float>& v) {
  return (size_t)(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

AccuracyReport measure_encoder_accuracy(const EncoderConvertSource& source,
                                        const std::vector<uint8_t>& gguf, const std::string& dtype,
                                        std::vector<std::string> samples, size_t max_tokens) {
  AccuracyReport r;
  r.kind = "encoder";
  r.dtype = dtype;
  r.bytes_before = source.safetensors.size();
  r.bytes_after = gguf.size();
  r.sample_source = samples.empty() ? "built-in sentences" : "samples file";
  if (samples.empty()) samples = builtin_samples();

  const EncoderCheckpoint ck = encoder_checkpoint_from_gguf(gguf.data(), gguf.size(), "converted.gguf");
  r.runtime_format = weight_format_name(ck.default_format);
  r.head = encoder_head_kind_name(ck.head);
  const bool qa = ck.head == EncoderHeadKind::kQuestionAnswering;
  const Side before(source.config_json, source.safetensors, ck.head, WeightFormat::kF32);
  const Side after(ck.config_json, ck.safetensors, ck.head, ck.default_format);
  const EncoderTokenizer tokenizer = EncoderTokenizer::load(source.tokenizer);
  max_tokens = std::min<size_t>(max_tokens, (size_t)before.config.max_length());

  const size_t H = (size_t)before.config.hidden_size;
  double cos_sum = 0;
  size_t agree = 0, rows = 0;
  r.cosine_min = 1.0;
  for (const std::string& text : samples) {
    const std::vector<int32_t> ids = tokenizer.encode(text, max_tokens);
    const EncoderBatch batch = pad_batch({ids}, nullptr, tokenizer.pad_id());
    const std::vector<float> a = before.model->forward(batch), b = after.model->forward(batch);
    r.samples++;
    for (size_t s = 0; s < ids.size(); ++s) {
      double dot = 0, na = 0, nb = 0;
      for (size_t k = s * H; k < (s + 1) * H; ++k) {
        dot += (double)a[k] * b[k];
        na += (double)a[k] * a[k];
        nb += (double)b[k] * b[k];
        r.max_abs_diff = std::max(r.max_abs_diff, (double)std::fabs(a[k] - b[k]));
      }
      const double cos = na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
      cos_sum += cos;
      r.cosine_min = std::min(r.cosine_min, cos);
      r.positions++;
    }
    const auto ha = before.head_rows(a, ids.size(), qa), hb = after.head_rows(b, ids.size(), qa);
    for (size_t i = 0; i < ha.size(); ++i) {
      agree += argmax(ha[i]) == argmax(hb[i]) ? 1 : 0;
      ++rows;
    }
  }
  if (r.positions == 0) fail(ErrorCode::kInvalidArgument, "accuracy report: no samples");
  r.cosine_mean = cos_sum / (double)r.positions;
  r.argmax_agreement = rows ? (double)agree / (double)rows : 0;
  r.head_rows = rows;
  return r;
}

}  // namespace pf
