// libFuzzer: input = tokenizer.json text, a NUL byte, then text to encode.
// The JSON part is parsed (malformed files must fail with pf::Error only);
// the text is encoded (alone and as a pair, with truncation and padding) and
// decoded through it and through fixed byte-level BPE and Unigram tokenizers,
// so arbitrary bytes (invalid UTF-8 included) reach every pipeline stage.
// Checks: ids within the vocabulary, offsets inside the input, masks sized.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "tokenizers/tokenizer.h"

namespace {

const char* kFixedJson = R"({
  "added_tokens": [{"id": 5, "content": "<s>", "special": true, "lstrip": true},
                   {"id": 6, "content": "ab", "special": false, "single_word": true, "rstrip": true}],
  "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"},
                 {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}]},
  "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
     {"type": "Split", "pattern": {"Regex": "(?i:'s|'t)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}, "behavior": "Isolated"},
     {"type": "Digits", "individual_digits": true}, {"type": "Punctuation", "behavior": "Contiguous"},
     {"type": "Metaspace", "replacement": "_", "prepend_scheme": "first"}]},
  "post_processor": {"type": "TemplateProcessing",
     "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
     "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
     "special_tokens": {"<s>": {"id": "<s>", "ids": [5], "tokens": ["<s>"]}}},
  "decoder": {"type": "Sequence", "decoders": [{"type": "Metaspace", "replacement": "_"}, {"type": "ByteFallback"},
     {"type": "Strip", "content": " ", "start": 1, "stop": 1}, {"type": "Fuse"}]},
  "model": {"type": "BPE", "unk_token": "?", "fuse_unk": true, "byte_fallback": true,
            "vocab": {"?": 0, "a": 1, "b": 2, "_": 3, "<0x41>": 4, "ab": 7, "_a": 8},
            "merges": ["a b", "_ a"]}})";

// Unigram with byte fallback and unknown runs, T5-style normalizers and Metaspace.
const char* kFixedUnigramJson = R"({
  "added_tokens": [{"id": 1, "content": "</s>", "special": true}],
  "normalizer": {"type": "Sequence", "normalizers": [{"type": "Strip", "strip_left": false, "strip_right": true},
                 {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"}]},
  "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
  "post_processor": {"type": "TemplateProcessing",
     "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
     "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}],
     "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
  "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
  "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": true,
            "vocab": [["<unk>", 0], ["</s>", 0], ["\u2581", -2], ["a", -3], ["b", -3.5], ["ab", -4],
                      ["\u2581ab", -4.5], ["<0x41>", -9], ["<0xC3>", -9], ["<0xA9>", -9]]}})";

void exercise(const pf::Tokenizer& tok, const std::string& text) {
  const std::string_view pair = std::string_view(text).substr(text.size() / 2);
  pf::EncodeOptions options;
  for (int variant = 0; variant < 3; ++variant) {
    const std::string_view* p = variant == 0 ? nullptr : &pair;
    if (variant == 2) {
      options.max_length = 8;
      options.padding = pf::EncodeOptions::Padding::kMaxLength;
      options.pad_to_multiple_of = 3;
    }
    pf::Encoding e;
    try {
      e = tok.encode(text, p, options);
    } catch (const pf::Error&) {
      continue;  // e.g. max_length below the special tokens, or a regex over budget
    }
    if (e.type_ids.size() != e.size() || e.offsets.size() != e.size() || e.attention_mask.size() != e.size()) {
      __builtin_trap();
    }
    for (size_t i = 0; i < e.size(); ++i) {
      const size_t limit = e.sequence_ids[i] == 1 ? pair.size() : text.size();
      if (e.offsets[i].begin > e.offsets[i].end || e.offsets[i].end > limit) __builtin_trap();
      if (e.ids[i] < 0) __builtin_trap();
    }
    (void)tok.decode(e.ids, variant == 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const pf::Tokenizer fixed = pf::Tokenizer::from_json(kFixedJson);
  static const pf::Tokenizer fixed_unigram = pf::Tokenizer::from_json(kFixedUnigramJson);
  const std::string input(reinterpret_cast<const char*>(data), size);
  // The fixed tokenizers see at most the first 1 KB: inputs carrying a whole
  // tokenizer.json (the seeds, up to 64 KB) otherwise spent ~0.5 s each under
  // ASan encoding the JSON text as prose, 2 executions per second in all.
  const std::string head = input.substr(0, 1024);
  exercise(fixed, head);
  exercise(fixed_unigram, head);
  const size_t split = input.find('\0');
  if (split == std::string::npos) return 0;
  try {
    const pf::Tokenizer tok = pf::Tokenizer::from_json(std::string_view(input).substr(0, split));
    exercise(tok, input.substr(split + 1));
  } catch (const pf::Error&) {
  }
  return 0;
}
