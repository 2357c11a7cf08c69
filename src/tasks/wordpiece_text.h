// Token strings back to text, as transformers' fast BERT tokenizers do it:
//  - join_wordpieces: the WordPiece decoder (tokenizers' decoders.WordPiece
//    with cleanup): "##" pieces glue to the previous token, others get a
//    space; " ." " ?" " !" " ," lose the space. This is what pipelines use
//    for an entity's "word" (convert_tokens_to_string).
//  - decode_ids: tokenizer.decode(ids, skip_special_tokens) with
//    clean_up_tokenization_spaces, what fill-mask's "sequence" and
//    "token_str" are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tokenizers/wordpiece.h"

namespace pf {

std::string join_wordpieces(const std::vector<std::string>& tokens);

std::string decode_ids(const WordPieceTokenizer& tokenizer, const std::vector<int32_t>& ids,
                       bool skip_special_tokens);

// True for [PAD] [UNK] [CLS] [SEP] [MASK] (the ids the tokenizer knows).
bool is_special_id(const WordPieceTokenizer& tokenizer, int32_t id);

// Code points in a UTF-8 string (invalid bytes count one each), the length
// Python's len() gives; pipelines compare token lengths with it.
size_t utf8_length(const std::string& text);

}  // namespace pf
