#include "tasks/wordpiece_text.h"

namespace pf {

namespace {

void replace_all(std::string* s, const std::string& from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

// transformers' clean_up_tokenization; tokenizers' WordPiece decoder cleanup
// is the same list plus " do not" -> " don't".
void clean_up_tokenization(std::string* s, bool decoder_rules) {
  replace_all(s, " .", ".");
  replace_all(s, " ?", "?");
  replace_all(s, " !", "!");
  replace_all(s, " ,", ",");
  replace_all(s, " ' ", "'");
  replace_all(s, " n't", "n't");
  replace_all(s, " 'm", "'m");
  if (decoder_rules) replace_all(s, " do not", " don't");
  replace_all(s, " 's", "'s");
  replace_all(s, " 've", "'ve");
  replace_all(s, " 're", "'re");
}

}  // namespace

std::string join_wordpieces(const std::vector<std::string>& tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string piece = tokens[i];
    if (i != 0) {
      if (piece.compare(0, 2, "##") == 0) {
        piece.erase(0, 2);
      } else {
        piece.insert(0, " ");
      }
    }
    clean_up_tokenization(&piece, true);  // per token, as the decoder does
    out += piece;
  }
  return out;
}

bool is_special_id(const WordPieceTokenizer& tokenizer, int32_t id) {
  for (const char* name : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    if (id >= 0 && tokenizer.token_to_id(name) == id) return true;
  }
  return false;
}

std::string decode_ids(const WordPieceTokenizer& tokenizer, const std::vector<int32_t>& ids,
                       bool skip_special_tokens) {
  std::vector<std::string> tokens;
  for (int32_t id : ids) {
    if (id < 0 || (size_t)id >= tokenizer.vocab_size()) continue;
    if (skip_special_tokens && is_special_id(tokenizer, id)) continue;
    tokens.push_back(tokenizer.id_to_token(id));
  }
  std::string text = join_wordpieces(tokens);
  clean_up_tokenization(&text, false);
  return text;
}

size_t utf8_length(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace pf
