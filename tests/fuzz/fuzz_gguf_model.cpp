// libFuzzer: arbitrary bytes as a GGUF decoder model. Every accepted file
// goes through the llama.cpp metadata -> DecoderConfig mapping, the
// tokenizer.ggml.* vocab (SentencePiece or byte-level BPE), and (for small configs) the full weight load and
// one forward step, so ASan/UBSan see every path a hostile model can reach.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "formats/gguf.h"
#include "formats/gguf_decoder_config.h"
#include "models/gguf_decoder_weights.h"
#include "models/gguf_gpt2_weights.h"
#include "models/gpt2.h"
#include "models/llama.h"
#include "tokenizers/gguf_vocab.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const pf::GgufFile file = pf::GgufFile::parse(data, size, "fuzz.gguf");
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
