// WordPiece model (the tokenizer.json "WordPiece" model): greedy
// longest-match-first sub-words with a continuing-subword prefix ("##"); a
// word with any unmatched remainder, or longer than max_input_chars_per_word
// characters, becomes the single unk token.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizers/model.h"
#include "tokenizers/vocab_trie.h"

namespace pf {

class WordPieceModel : public TokenizerModel {
 public:
  static std::unique_ptr<WordPieceModel> from_json(const nlohmann::json& model);
  // One token per line; id = line number.
  static std::unique_ptr<WordPieceModel> from_vocab_txt(const std::string& vocab_txt);

  void tokenize(std::string_view piece, std::vector<ModelToken>* out) const override;
  int32_t token_to_id(std::string_view token) const override;
  const std::string& id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return vocab_.size(); }
  const std::string& continuing_subword_prefix() const { return prefix_; }

 private:
  // Keys view the strings in id_to_token_ (filled once, never resized).
  std::unordered_map<std::string_view, int32_t> vocab_;
  // The same entries for the longest-match search; continuation pieces
  // start at the node the prefix ("##") leads to (-1: none has it).
  VocabTrie trie_;
  int32_t continuation_node_ = -1;
  std::vector<std::string> id_to_token_;
  std::string unk_token_ = "[UNK]", prefix_ = "##";
  int32_t unk_id_ = -1;
  size_t max_chars_ = 100;
};

}  // namespace pf
