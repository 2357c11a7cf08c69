#include "formats/llama2c.h"

#include <cstring>

#include "core/error.h"

namespace pf {

namespace {

constexpr size_t kHeaderBytes = 7 * sizeof(int32_t);
constexpr uint32_t kVersionedMagic = 0x616b3432;  // "ak42", llama2.c export v1+

int32_t read_i32(const uint8_t* p) {
  uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  int32_t out;
  std::memcpy(&out, &v, sizeof(out));
  return out;
}

}  // namespace

Llama2cCheckpoint Llama2cCheckpoint::parse(const uint8_t* bytes, size_t size, int64_t max_context,
                                           const std::string& file_name) {
  auto corrupt = [&](const std::string& what) {
    fail(ErrorCode::kCorruptModel, file_name + ": " + what);
  };
  if (bytes == nullptr || size < kHeaderBytes) {
    corrupt("too short for a llama2.c header (" + std::to_string(size) + " bytes)");
  }
  if ((uint32_t)read_i32(bytes) == kVersionedMagic) {
    fail(ErrorCode::kUnsupported, file_name + ": llama2.c export version " +
                                      std::to_string(size >= 8 ? read_i32(bytes + 4) : -1) +
                                      " is not supported (only the legacy v0 format)");
  }
  int32_t h[7];
  for (int i = 0; i < 7; ++i) h[i] = read_i32(bytes + 4 * i);
  const int64_t dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kv_heads = h[4];
  const bool shared_classifier = h[5] > 0;
  const int64_t vocab = h[5] < 0 ? -(int64_t)h[5] : h[5];
  const int64_t seq_len = h[6];
  if (heads < 1 || dim < 1 || dim % heads != 0) {
    corrupt("dim " + std::to_string(dim) + " is not a positive multiple of n_heads " +
            std::to_string(heads));
  }
  if (seq_len < 1 || seq_len > (1 << 20)) {
    corrupt("seq_len " + std::to_string(seq_len) + " is outside [1, 1048576]");
  }

  Llama2cCheckpoint ckpt;
  ckpt.bytes_ = bytes;
  ckpt.size_ = size;
  ckpt.file_name_ = file_name;
  ckpt.seq_len_ = seq_len;
  DecoderConfig& c = ckpt.config_;
  c.model_type = "llama2c";
  c.vocab_size = vocab;
  c.dim = dim;
  c.n_layers = layers;
  c.n_heads = heads;
  c.n_kv_heads = kv_heads;
  c.head_dim = dim / heads;
  c.hidden_dim = hidden;
  c.max_context = max_context > 0 ? std::min<int64_t>(max_context, seq_len) : seq_len;
  c.rope_theta = 10000.f;
  c.rope_layout = RopeLayout::kInterleaved;
  c.rms_eps = 1e-5f;
  c.tied_embeddings = shared_classifier;
  c.attention_bias = false;
  c.bos_token_id = 1;  // llama2.c's sentencepiece vocabularies: <unk>=0, <s>=1, </s>=2
  // run.c stops when BOS comes out (it separates stories); </s> for
  // checkpoints trained with it.
  c.eos_token_ids = {1, 2};
  validate_decoder_config(c, file_name, ErrorCode::kCorruptModel);

  // All sizes below are bounded by the validation (each < 2^43 bytes), so
  // 64-bit arithmetic cannot overflow; the total is checked against the
  // buffer before any offset is used.
  const uint64_t L = (uint64_t)layers, D = (uint64_t)dim, KV = (uint64_t)c.kv_dim(),
                 F = (uint64_t)hidden, V = (uint64_t)vocab;
  uint64_t offset = kHeaderBytes;
  auto take = [&](uint64_t per_layer_count, uint64_t copies) {
    Span s;
    s.offset = (size_t)std::min<uint64_t>(offset, size);
    s.count = (size_t)std::min<uint64_t>(per_layer_count, size);
    offset += per_layer_count * copies * sizeof(float);
    return s;
  };
  ckpt.embedding_ = take(V * D, 1);
  ckpt.rms_att_ = take(D, L);
  ckpt.wq_ = take(D * D, L);
  ckpt.wk_ = take(KV * D, L);
  ckpt.wv_ = take(KV * D, L);
  ckpt.wo_ = take(D * D, L);
  ckpt.rms_ffn_ = take(D, L);
  ckpt.w1_ = take(F * D, L);
  ckpt.w2_ = take(D * F, L);
  ckpt.w3_ = take(F * D, L);
  ckpt.rms_final_ = take(D, 1);
  take((uint64_t)seq_len * (uint64_t)c.head_dim / 2, 2);  // legacy freq_cis_real / imag
  ckpt.wcls_ = shared_classifier ? ckpt.embedding_ : take(V * D, 1);
  if (offset != (uint64_t)size) {
    corrupt("header (dim " + std::to_string(dim) + ", hidden_dim " + std::to_string(hidden) +
            ", n_layers " + std::to_string(layers) + ", n_heads " + std::to_string(heads) +
            ", n_kv_heads " + std::to_string(kv_heads) + ", vocab_size " + std::to_string(h[5]) +
            ", seq_len " + std::to_string(seq_len) + ") implies " + std::to_string(offset) +
            " bytes but the file has " + std::to_string(size));
  }
  return ckpt;
}

Llama2cCheckpoint::Span Llama2cCheckpoint::span(DecoderTensor tensor) const {
  switch (tensor) {
    case DecoderTensor::kTokenEmbedding: return embedding_;
    case DecoderTensor::kAttentionNorm: return rms_att_;
    case DecoderTensor::kQuery: return wq_;
    case DecoderTensor::kKey: return wk_;
    case DecoderTensor::kValue: return wv_;
    case DecoderTensor::kAttentionOut: return wo_;
    case DecoderTensor::kFfnNorm: return rms_ffn_;
    case DecoderTensor::kGate: return w1_;
    case DecoderTensor::kUp: return w3_;
    case DecoderTensor::kDown: return w2_;
    case DecoderTensor::kFinalNorm: return rms_final_;
    case DecoderTensor::kLmHead: return wcls_;
    default:
      fail(ErrorCode::kCorruptModel, file_name_ + ": llama2.c checkpoints have no " +
                                         decoder_tensor_name(tensor) + " tensor");
  }
}

std::vector<float> Llama2cCheckpoint::get(DecoderTensor tensor, int layer) const {
  const Span s = span(tensor);
  const bool per_layer = tensor != DecoderTensor::kTokenEmbedding &&
                         tensor != DecoderTensor::kFinalNorm && tensor != DecoderTensor::kLmHead;
  if (layer < 0 || (per_layer && layer >= config_.n_layers) || (!per_layer && layer != 0)) {
    fail(ErrorCode::kInvalidArgument, file_name_ + ": no layer " + std::to_string(layer) +
                                          " for tensor " + decoder_tensor_name(tensor));
  }
  // parse() checked that every span lies inside the buffer.
  const size_t offset = s.offset + (per_layer ? (size_t)layer * s.count * sizeof(float) : 0);
  std::vector<float> out(s.count);
  for (size_t i = 0; i < s.count; ++i) {
    uint32_t v = (uint32_t)bytes_[offset + 4 * i] | (uint32_t)bytes_[offset + 4 * i + 1] << 8 |
                 (uint32_t)bytes_[offset + 4 * i + 2] << 16 |
                 (uint32_t)bytes_[offset + 4 * i + 3] << 24;
    std::memcpy(&out[i], &v, sizeof(float));
  }
  return out;
}

}  // namespace pf
