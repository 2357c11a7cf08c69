#include "tasks/feature_extraction.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "formats/model_config.h"
#include "formats/safetensors.h"

namespace pf {

Pooling parse_pooling(const std::string& name) {
  if (name == "none") return Pooling::kNone;
  if (name == "mean") return Pooling::kMean;
  if (name == "cls") return Pooling::kCls;
  if (name == "max") return Pooling::kMax;
  fail(ErrorCode::kInvalidArgument,
       "unknown pooling '" + name + "' (expected 'none', 'mean', 'cls' or 'max')");
}

WeightFormat parse_dtype_option(const std::string& name) {
  if (name == "f32" || name == "fp32") return WeightFormat::kF32;
  if (name == "int8" || name == "q8") return WeightFormat::kInt8;
  if (name == "q4" || name == "int4") return WeightFormat::kInt4;
  fail(ErrorCode::kInvalidArgument,
       "unknown dtype '" + name + "' (expected 'f32', 'int8' or 'q4')");
}

std::vector<float> mean_pool(const std::vector<float>& hidden, const std::vector<uint8_t>& mask,
                             size_t batch, size_t seq, size_t dim) {
  std::vector<float> out(batch * dim, 0.f);
  for (size_t b = 0; b < batch; ++b) {
    size_t count = 0;
    float* o = &out[b * dim];
    for (size_t s = 0; s < seq; ++s) {
      if (!mask[b * seq + s]) continue;
      ++count;
      const float* h = &hidden[(b * seq + s) * dim];
      for (size_t d = 0; d < dim; ++d) o[d] += h[d];
    }
    // Sentence-transformers clamps the token count to >= 1e-9; an all-padding
    // row therefore pools to zeros rather than NaN.
    if (count > 0) {
      const float inv = 1.f / (float)count;
      for (size_t d = 0; d < dim; ++d) o[d] *= inv;
    }
  }
  return out;
}

std::vector<float> max_pool(const std::vector<float>& hidden, const std::vector<uint8_t>& mask,
                            size_t batch, size_t seq, size_t dim) {
  std::vector<float> out(batch * dim, -1e9f);
  for (size_t b = 0; b < batch; ++b) {
    float* o = &out[b * dim];
    for (size_t s = 0; s < seq; ++s) {
      if (!mask[b * seq + s]) continue;
      const float* h = &hidden[(b * seq + s) * dim];
      for (size_t d = 0; d < dim; ++d) o[d] = std::max(o[d], h[d]);
    }
  }
  return out;
}

void l2_normalize_rows(std::vector<float>* data, size_t rows, size_t dim) {
  for (size_t r = 0; r < rows; ++r) {
    float* v = data->data() + r * dim;
    double sq = 0;
    for (size_t d = 0; d < dim; ++d) sq += (double)v[d] * v[d];
    // torch.nn.functional.normalize divides by max(norm, 1e-12).
    const float inv = (float)(1.0 / std::max(std::sqrt(sq), 1e-12));
    for (size_t d = 0; d < dim; ++d) v[d] *= inv;
  }
}

std::unique_ptr<FeatureExtractor> FeatureExtractor::load(const std::string& config_json,
                                const std::vector<WeightShard>& weights,
                                const TokenizerFiles& tokenizer_files,
                                                         WeightFormat format) {
  return std::unique_ptr<FeatureExtractor>(new FeatureExtractor(
      load_encoder_parts(config_json, weights, tokenizer_files, format)));
}

EncoderBatch FeatureExtractor::tokenize(const std::vector<std::string>& texts) const {
  return encode_texts(parts_, texts);
}

FeatureOutput FeatureExtractor::run(const std::vector<std::string>& texts, Pooling pooling,
                                    bool normalize) const {
  const EncoderBatch batch = tokenize(texts);
  std::vector<float> hidden = parts_.model->forward(batch);
  const size_t H = (size_t)parts_.model->config().hidden_size;
  FeatureOutput out;
  switch (pooling) {
    case Pooling::kNone:
      out.data = std::move(hidden);
      out.dims = {batch.batch, batch.seq, H};
      if (normalize) l2_normalize_rows(&out.data, batch.batch * batch.seq, H);
      return out;
    case Pooling::kMean:
      out.data = mean_pool(hidden, batch.attention_mask, batch.batch, batch.seq, H);
      break;
    case Pooling::kMax:
      out.data = max_pool(hidden, batch.attention_mask, batch.batch, batch.seq, H);
      break;
    case Pooling::kCls:
      out.data.resize(batch.batch * H);
      for (size_t b = 0; b < batch.batch; ++b) {
        std::copy(&hidden[b * batch.seq * H], &hidden[b * batch.seq * H] + H, &out.data[b * H]);
      }
      break;
  }
  out.dims = {batch.batch, H};
  if (normalize) l2_normalize_rows(&out.data, batch.batch, H);
  return out;
}

}  // namespace pf
