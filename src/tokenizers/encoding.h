// The result of encoding one text (or a text pair): ids plus everything a
// model input needs, aligned one entry per token.
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "tokenizers/normalized_string.h"

namespace pf {

struct Encoding {
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
  std::vector<std::string> tokens;
  // Byte offsets into the original UTF-8 string of the token's own sequence
  // (see sequence_ids); special tokens added by post-processing get {0, 0}.
  std::vector<Span> offsets;
  std::vector<int32_t> special_tokens_mask;  // 1 for tokens added by post-processing
  std::vector<int32_t> attention_mask;       // 0 for padding
  std::vector<int32_t> sequence_ids;         // 0 / 1 for the first / second text, -1 otherwise
  // Which pre-tokenizer piece ("word") of its own sequence the token came
  // from, counted from 0 per sequence as tokenizers' Encoding::word_ids
  // (an added token is a word of its own); -1 for special tokens and padding.
  std::vector<int32_t> word_ids;
  // The other windows when truncation was asked to return overflowing tokens
  // (EncodeOptions::return_overflowing), each post-processed and padded.
  std::vector<Encoding> overflowing;

  size_t size() const { return ids.size(); }
  void push(int32_t id, std::string token, Span offset, int32_t type_id, int32_t special,
            int32_t sequence_id, int32_t word = -1) {
    ids.push_back(id);
    tokens.push_back(std::move(token));
    offsets.push_back(offset);
    type_ids.push_back(type_id);
    special_tokens_mask.push_back(special);
    attention_mask.push_back(1);
    sequence_ids.push_back(sequence_id);
    word_ids.push_back(word);
  }
  // Appends other's tokens (not its overflowing windows), one bulk copy
  // per field; the rvalue form moves the token strings.
  void append(const Encoding& other) {
    append_fields(other);
    tokens.insert(tokens.end(), other.tokens.begin(), other.tokens.end());
  }
  void append(Encoding&& other) {
    append_fields(other);
    tokens.insert(tokens.end(), std::make_move_iterator(other.tokens.begin()),
                  std::make_move_iterator(other.tokens.end()));
  }
  // Tokens [begin, end) (no overflowing).
  Encoding slice(size_t begin, size_t end) const {
    Encoding out;
    for (size_t i = begin; i < end && i < size(); ++i) {
      out.push(ids[i], tokens[i], offsets[i], type_ids[i], special_tokens_mask[i], sequence_ids[i], word_ids[i]);
      out.attention_mask.back() = attention_mask[i];
    }
    return out;
  }
  void append_fields(const Encoding& other) {
    ids.insert(ids.end(), other.ids.begin(), other.ids.end());
    offsets.insert(offsets.end(), other.offsets.begin(), other.offsets.end());
    type_ids.insert(type_ids.end(), other.type_ids.begin(), other.type_ids.end());
    special_tokens_mask.insert(special_tokens_mask.end(), other.special_tokens_mask.begin(),
                               other.special_tokens_mask.end());
    attention_mask.insert(attention_mask.end(), other.attention_mask.begin(), other.attention_mask.end());
    sequence_ids.insert(sequence_ids.end(), other.sequence_ids.begin(), other.sequence_ids.end());
    word_ids.insert(word_ids.end(), other.word_ids.begin(), other.word_ids.end());
  }
  void truncate(size_t n) {
    if (n >= size()) return;
    ids.resize(n);
    type_ids.resize(n);
    tokens.resize(n);
    offsets.resize(n);
    special_tokens_mask.resize(n);
    attention_mask.resize(n);
    sequence_ids.resize(n);
    word_ids.resize(n);
  }
};

}  // namespace pf
