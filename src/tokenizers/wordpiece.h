// BERT tokenizer from a vocab.txt: BertNormalizer-style cleanup (control
// characters, CJK spacing, lowercase, accent stripping), whitespace and
// punctuation splitting, then greedy longest-match WordPiece.
// This is the minimal tokenizer the first encoder slice needs; the full
// tokenizer.json pipeline lives beside it later.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace pf {

class WordPieceTokenizer {
 public:
  struct Options {
    bool lowercase = true;  // also strips accents, as do_lower_case does
    size_t max_chars_per_word = 100;
  };

  static WordPieceTokenizer from_vocab_txt(const std::string& vocab_text, Options options);
  static WordPieceTokenizer from_vocab_txt(const std::string& vocab_text) {
    return from_vocab_txt(vocab_text, Options());
  }

  // Word-level pieces after normalization and pre-tokenization (no ids).
  std::vector<std::string> pre_tokenize(const std::string& text) const;
  // Token ids without special tokens.
  std::vector<int32_t> tokenize_ids(const std::string& text) const;
  // The same tokens with where they came from: byte offsets into `text` and
  // the index of the pre-tokenized word each belongs to (what Hugging Face
  // fast tokenizers report as offsets and word ids). Task heads need this to
  // point back into the input (NER spans, QA answers).
  struct SpannedToken {
    int32_t id = -1;
    uint32_t begin = 0, end = 0;
    uint32_t word = 0;
  };
  std::vector<SpannedToken> tokenize_with_offsets(const std::string& text) const;
  // [CLS] tokens [SEP], truncated to max_length (>= 2) keeping [SEP] last.
  std::vector<int32_t> encode(const std::string& text, size_t max_length) const;

  int32_t token_to_id(const std::string& token) const;  // -1 when absent
  const std::string& id_to_token(int32_t id) const;
  size_t vocab_size() const { return id_to_token_.size(); }
  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t pad_id() const { return pad_id_; }
  int32_t unk_id() const { return unk_id_; }

 private:
  struct Word;
  // Words of text[base, base + piece.size()) with each code point's source span.
  std::vector<Word> split_words(const std::string& piece, uint32_t base) const;
  // Appends the word's pieces; offsets come from the word's code point spans.
  void wordpiece(const Word& word, uint32_t word_index, std::vector<SpannedToken>* out) const;

  Options options_;
  std::unordered_map<std::string, int32_t> token_to_id_;
  std::vector<std::string> id_to_token_;
  std::vector<std::string> special_tokens_;  // matched verbatim in input text
  int32_t cls_id_ = -1, sep_id_ = -1, pad_id_ = -1, unk_id_ = -1;
};

}  // namespace pf
