// The tokenizer an encoder task uses, whichever files the model ships:
// tokenizer.json (any pipeline pf::Tokenizer reads: BERT WordPiece,
// RoBERTa byte-level BPE, ...) when present, else vocab.txt (the BERT
// WordPiece tokenizer). The tasks need more than ids: byte offsets and word
// indices (token-classification, question-answering), the special tokens
// around one or two sequences (they differ per family: [CLS] a [SEP] b [SEP]
// vs <s> a </s></s> b </s>), the mask token, and decoding.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tokenizers/tokenizer.h"
#include "tokenizers/wordpiece.h"

namespace pf {

// The tokenizer files of a model folder. Implicit from a vocab.txt text so
// that callers that only have vocab.txt keep working unchanged.
struct TokenizerFiles {
  TokenizerFiles() = default;
  TokenizerFiles(std::string vocab) : vocab_txt(std::move(vocab)) {}  // NOLINT(implicit)
  TokenizerFiles(const char* vocab) : vocab_txt(vocab) {}             // NOLINT(implicit)
  std::string vocab_txt;              // used when tokenizer_json is empty
  bool vocab_lowercase = true;        // vocab.txt: lowercase + strip accents (do_lower_case)
  std::string tokenizer_json;         // "" = none
  std::string tokenizer_config_json;  // "" = none (mask token, decode cleanup)
};

class EncoderTokenizer {
 public:
  using SpannedToken = WordPieceTokenizer::SpannedToken;

  // Special tokens the model expects around one sequence (prefix, suffix) or
  // a pair (prefix, a, middle, b, suffix), with their token type ids.
  struct Specials {
    std::vector<int32_t> prefix, middle, suffix;
    std::vector<int32_t> prefix_types, middle_types, suffix_types;
    int32_t second_type = 0;  // type id of the pair's second text
    size_t count() const { return prefix.size() + middle.size() + suffix.size(); }
  };

  static EncoderTokenizer load(const TokenizerFiles& files);

  EncoderTokenizer(EncoderTokenizer&&) noexcept;
  EncoderTokenizer& operator=(EncoderTokenizer&&) noexcept;
  ~EncoderTokenizer();

  // Tokens of `text` without special tokens: ids, byte offsets, word index.
  std::vector<SpannedToken> tokenize_with_offsets(const std::string& text) const;
  std::vector<int32_t> tokenize_ids(const std::string& text) const;
  // single().prefix + tokens + single().suffix, tokens cut to fit max_length.
  std::vector<int32_t> encode(const std::string& text, size_t max_length) const;

  const Specials& single() const { return single_; }
  const Specials& pair() const { return pair_; }

  // True when `token` (a token of `text`) is a special token the text spells
  // out literally ("[MASK]", "<mask>"): an added token, not a word piece.
  bool is_literal_special(const std::string& text, const SpannedToken& token) const;
  // Whether a token continues the previous word, as transformers'
  // token-classification pipeline decides it ("##ing" vs "ing" for WordPiece;
  // no space before it otherwise).
  bool is_subword(const std::string& text, const SpannedToken& token) const;
  // Token strings -> text, as convert_tokens_to_string (the decoder).
  std::string tokens_to_string(const std::vector<std::string>& tokens) const;
  // tokenizer.decode(ids, skip_special_tokens) (with the model's cleanup).
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const;
  bool is_special_id(int32_t id) const;

  int32_t token_to_id(const std::string& token) const;  // -1 when absent
  std::string id_to_token(int32_t id) const;            // "" when absent
  size_t vocab_size() const;
  int32_t pad_id() const { return pad_id_; }
  int32_t unk_id() const { return unk_id_; }
  // -1 when the tokenizer has none.
  int32_t mask_id() const { return mask_id_; }
  const std::string& mask_token() const { return mask_token_; }
  // "vocab.txt" or "tokenizer.json", for error messages.
  const char* source_name() const { return json_ ? "tokenizer.json" : "vocab.txt"; }

 private:
  EncoderTokenizer() = default;

  std::unique_ptr<WordPieceTokenizer> wordpiece_;  // from vocab.txt
  std::unique_ptr<Tokenizer> json_;                // from tokenizer.json
  // tokenizer.json's model continues words with this prefix ("##" for
  // WordPiece); "" when its words are not marked (BPE, Unigram).
  std::string continuing_prefix_;
  Specials single_, pair_;
  int32_t pad_id_ = 0, unk_id_ = -1, mask_id_ = -1;
  std::string mask_token_;
};

}  // namespace pf
