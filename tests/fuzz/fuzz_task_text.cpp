// libFuzzer: the text-side parsers and post-processing of the encoder tasks.
//  - the input as config.json for id2label / problem_type;
//  - the input as text: WordPiece offsets must lie inside the text, in
//    order, each token starting on a UTF-8 lead byte (its end may be
//    followed by an invalid byte, which decodes as its own dropped unit); token-classification grouping of those
//    tokens (logits derived from the bytes) must give spans inside the text;
//    decoding any ids must not fail.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "tasks/encoder_task.h"
#include "tasks/label_config.h"
#include "tasks/token_classification.h"
#include "tasks/wordpiece_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  try {
    const pf::LabelConfig config = pf::parse_label_config(input);
    const auto labels = pf::labels_for_head(config, config.labels.empty() ? 3 : config.labels.size());
    if (labels.empty() && !config.labels.empty()) __builtin_trap();
  } catch (const pf::Error&) {
  }

  static const pf::EncoderTokenizer tok = pf::EncoderTokenizer::load(std::string(
      "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\n##b\n##a\nthe\n,\n.\n\xc3\xa9\n\xe4\xb8\x80\n##s\n"));
  const auto is_boundary = [&](uint32_t at) {
    return at == input.size() || (at < input.size() && (static_cast<unsigned char>(input[at]) & 0xC0) != 0x80);
  };
  uint32_t last_begin = 0;
  for (const auto& t : tok.tokenize_with_offsets(input)) {
    if (t.begin > t.end || t.end > input.size() || t.begin < last_begin) __builtin_trap();
    if (!is_boundary(t.begin)) __builtin_trap();
    last_begin = t.begin;
  }
  const pf::EncodedText enc = pf::encode_with_offsets(tok, input, 64);
  const std::vector<std::string> labels = {"O", "B-X", "I-X", "Y"};
  std::vector<float> logits(enc.ids.size() * labels.size());
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = size ? (float)(data[i % size] % 17) - 8.f : 0.f;
  for (auto strategy : {pf::Aggregation::kNone, pf::Aggregation::kSimple, pf::Aggregation::kFirst,
                        pf::Aggregation::kAverage, pf::Aggregation::kMax}) {
    for (const auto& e : pf::group_token_entities(tok, input, enc, logits.data(), labels, strategy, {"O"})) {
      if (e.start > e.end || e.end > input.size()) __builtin_trap();
    }
  }
  std::vector<int32_t> ids;
  for (size_t i = 0; i < size; ++i) ids.push_back((int32_t)data[i] - 8);
  (void)tok.decode(ids, (size & 1) != 0);
  return 0;
}
