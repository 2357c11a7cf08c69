// libFuzzer: arbitrary bytes as a GGUF model. Every accepted decoder goes
// through the llama.cpp metadata -> DecoderConfig mapping, the
// tokenizer.ggml.* vocab (SentencePiece or byte-level BPE), and (for small
// configs) the full weight load and one forward step; every "bert" encoder
// through the GGUF -> config / safetensors / WordPiece vocab mapping and
// (small configs) the task load and one text through the encoder and its
// head, so ASan/UBSan see every path a hostile model can reach.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "formats/gguf.h"
#include "formats/gguf_decoder_config.h"
#include "formats/model_config.h"
#include "models/gguf_decoder_weights.h"
#include "models/gguf_gpt2_weights.h"
#include "models/gpt2.h"
#include "models/llama.h"
#include "tasks/feature_extraction.h"
#include "tasks/fill_mask.h"
#include "tasks/gguf_encoder_checkpoint.h"
#include "tasks/text_classification.h"
#include "tokenizers/gguf_vocab.h"

namespace {

void run_encoder(const pf::GgufFile& file) {
  const pf::EncoderCheckpoint ck = pf::encoder_checkpoint_from_gguf(file);
  const pf::EncoderConfig c = pf::parse_encoder_config(ck.config_json);
  // The tensor shapes are checked against the file, but keep runs fast.
  const int64_t params = c.vocab_size * c.hidden_size +
                         c.num_hidden_layers * c.hidden_size * (4 * c.hidden_size + 2 * c.intermediate_size);
  if (params > (1 << 22)) return;
  const std::string text = "Hello, world! [MASK] \xC3\xBCn\xC3\xAF";
  const uint8_t* st = ck.safetensors.data();
  const size_t n = ck.safetensors.size();
  const auto fe = pf::FeatureExtractor::load(ck.config_json, st, n, ck.tokenizer, ck.default_format);
  (void)fe->run({text, "a"}, pf::Pooling::kMean, true);
  if (ck.head == pf::EncoderHeadKind::kSequenceClassification) {
    const auto tc = pf::TextClassifier::load(ck.config_json, st, n, ck.tokenizer, ck.default_format);
    (void)tc->run({text}, 2);
  } else if (ck.head == pf::EncoderHeadKind::kMaskedLM) {
    const auto fm = pf::FillMasker::load(ck.config_json, st, n, ck.tokenizer, ck.default_format);
    (void)fm->run(text, 3, {});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const pf::GgufFile file = pf::GgufFile::parse(data, size, "fuzz.gguf");
    if (pf::is_gguf_encoder(file)) {
      run_encoder(file);
      return 0;
    }
    if (pf::gguf_has_tokenizer(file)) {
      try {
        const auto tok = pf::text_tokenizer_from_gguf(file);
        const auto ids = tok->encode("Hello world <|endoftext|>", true);
        (void)tok->decode(ids, false);
      } catch (const pf::Error&) {
      }
    }
    const pf::DecoderConfig c = pf::decoder_config_from_gguf(file, 8);
    // Only small models are loaded: a hostile header may claim huge sizes
    // that the tensor shape checks would reject, but the KV cache is sized
    // before the first tensor is read.
    const int64_t params = c.vocab_size * c.dim + c.n_layers * (c.dim * (c.q_dim() + 2 * c.kv_dim()) +
                                                               3 * c.dim * c.hidden_dim);
    if (params > (1 << 22) || c.max_positions * c.dim > (1 << 22)) return 0;
    std::unique_ptr<pf::DecoderModel> model;
    if (c.model_type == "gpt2") {
      model = pf::Gpt2Model::load(c, pf::GgufGpt2Weights(c, file), pf::default_weight_format(file));
    } else {
      model = pf::LlamaModel::load(c, pf::GgufDecoderWeights(c, file), pf::default_weight_format(file));
    }
    const int32_t token = 0;
    (void)model->forward(&token, 1, 0);
  } catch (const pf::Error&) {
  }
  return 0;
}
