#include "models/decoder_weights.h"

namespace pf {

const char* decoder_tensor_name(DecoderTensor tensor) {
  switch (tensor) {
    case DecoderTensor::kTokenEmbedding: return "token_embedding";
    case DecoderTensor::kAttentionNorm: return "attention_norm";
    case DecoderTensor::kQuery: return "query";
    case DecoderTensor::kKey: return "key";
    case DecoderTensor::kValue: return "value";
    case DecoderTensor::kQueryBias: return "query_bias";
    case DecoderTensor::kKeyBias: return "key_bias";
    case DecoderTensor::kValueBias: return "value_bias";
    case DecoderTensor::kAttentionOut: return "attention_out";
    case DecoderTensor::kFfnNorm: return "ffn_norm";
    case DecoderTensor::kGate: return "gate";
    case DecoderTensor::kUp: return "up";
    case DecoderTensor::kDown: return "down";
    case DecoderTensor::kFinalNorm: return "final_norm";
    case DecoderTensor::kLmHead: return "lm_head";
  }
  return "?";
}

}  // namespace pf
