// A Hugging Face tokenizer.json pipeline: added/special tokens, normalizer,
// pre-tokenizer, model (BPE, WordPiece, Unigram), post-processor, decoder, plus
// truncation and padding. Produces what transformers' fast tokenizers do
// (ids, type ids, masks, offsets into the original string).
//
// Encoding never fails on any input bytes (invalid UTF-8 is read as U+FFFD,
// one per bad byte, with offsets still pointing at the original bytes).
// Loading fails with pf::Error (kCorruptModel / kUnsupported) naming the
// component that is malformed or not supported.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizers/encoding.h"
#include "tokenizers/model.h"

namespace pf {

class Normalizer;
class PreTokenizer;
class PostProcessor;
class Decoder;

struct EncodeOptions {
  bool add_special_tokens = true;

  // Truncation (max_length 0 = none). Lengths count special tokens.
  enum class Truncation { kLongestFirst, kOnlyFirst, kOnlySecond };
  size_t max_length = 0;
  Truncation truncation = Truncation::kLongestFirst;
  bool truncate_left = false;
  size_t stride = 0;  // overlap between overflowing windows
  // Keep what truncation cuts as Encoding::overflowing windows of the same
  // length, each overlapping the previous by stride tokens (tokenizers'
  // Encoding::truncate; transformers' return_overflowing_tokens).
  bool return_overflowing = false;

  // Padding: to max_length (pad_to_max_length) or, in encode_batch, to the
  // longest encoding; then up to a multiple of pad_to_multiple_of.
  enum class Padding { kNone, kLongest, kMaxLength };
  Padding padding = Padding::kNone;
  size_t pad_length = 0;  // the target for kMaxLength (falls back to max_length)
  size_t pad_to_multiple_of = 0;
  bool pad_left = false;
  int32_t pad_id = 0;
  int32_t pad_type_id = 0;
  std::string pad_token = "[PAD]";
};

struct AddedToken {
  std::string content;
  int32_t id = -1;
  bool single_word = false, lstrip = false, rstrip = false, normalized = true, special = false;
};

class Tokenizer {
 public:
  // tokenizer.json text, and optionally tokenizer_config.json text ("" = none)
  // for clean_up_tokenization_spaces.
  static Tokenizer from_json(std::string_view tokenizer_json, std::string_view tokenizer_config = {});
  // A BERT tokenizer (as transformers' BertConverter builds) from vocab.txt.
  static Tokenizer from_vocab_txt(const std::string& vocab_txt, bool lowercase = true);
  // A GPT-2-style byte-level BPE tokenizer from vocab.json/encoder.json +
  // merges.txt/vocab.bpe, with <|endoftext|> as its special token.
  static Tokenizer from_bpe_files(const std::string& vocab_json, const std::string& merges_txt);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // pair may be null. Offsets are byte offsets into text / *pair.
  Encoding encode(std::string_view text, const std::string_view* pair, const EncodeOptions& options) const;
  Encoding encode(std::string_view text) const { return encode(text, nullptr, default_options_); }
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts,
                                     const std::vector<std::string>* pairs,
                                     const EncodeOptions& options) const;
  // Ids outside the vocabulary are skipped.
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const;

  int32_t token_to_id(std::string_view token) const;  // -1 when absent
  std::string id_to_token(int32_t id) const;           // "" when absent
  size_t vocab_size() const;                           // including added tokens
  bool is_special_id(int32_t id) const;
  const std::vector<AddedToken>& added_tokens() const { return added_; }
  // Truncation / padding from the file's "truncation" / "padding" fields.
  const EncodeOptions& default_options() const { return default_options_; }
  // Applied by decode() when true (tokenizer_config.json's setting; default false).
  bool clean_up_tokenization_spaces = false;

 private:
  Tokenizer();
  struct Section;
  Encoding encode_sequence(std::string_view text, int32_t sequence_id) const;
  // s is moved into *out when no added token occurs in it.
  void split_added(struct NormalizedString&& s, bool normalized_tokens,
                   std::vector<Section>* out) const;
  void pad(Encoding* e, size_t length, const EncodeOptions& options) const;
  Encoding finish(Encoding a, Encoding* b, const EncodeOptions& options) const;
  void finish_added_tokens();

  std::unique_ptr<TokenizerModel> model_;
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  std::vector<AddedToken> added_;
  std::unordered_map<std::string, int32_t> added_by_content_;
  std::unordered_map<int32_t, size_t> added_by_id_;
  // Matchable forms of added tokens: content (or normalized content) -> index.
  struct Matcher {
    std::vector<std::pair<std::string, size_t>> by_first_byte[256];  // longest first
    bool empty = true;
  };
  Matcher raw_matcher_, normalized_matcher_;
  EncodeOptions default_options_;
};

}  // namespace pf
