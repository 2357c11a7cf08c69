#include "tokenizers/encode_words.h"

#include <string_view>

namespace pf {

void encode_words(NormalizedString&& s, const PreTokenizer* pre, const TokenizerModel& model,
                  int32_t seq, int32_t* next_word, EncodeScratch* scratch, Encoding* e) {
  std::vector<ModelToken>& tokens = scratch->tokens;
  // Pre-tokenizers that only cut the text hand back ranges of it, so no
  // piece is copied out of s.
  if (pre && pre->split_ranges(s.text, &scratch->ranges)) {
    const std::string_view text = s.text;
    for (const Span& r : scratch->ranges) {
      if (r.end == r.begin) continue;
      const int32_t word = (*next_word)++;
      tokens.clear();
      model.tokenize(text.substr(r.begin, r.end - r.begin), &tokens);
      for (const ModelToken& t : tokens) {
        e->push(t.id, model.id_to_token(t.id), s.original_span(r.begin + t.begin, r.begin + t.end), seq, 0, seq, word);
      }
    }
    return;
  }
  std::vector<NormalizedString>& pieces = scratch->pieces;
  pieces.clear();
  pieces.push_back(std::move(s));
  if (pre) pre->pre_tokenize(&pieces);
  for (const NormalizedString& p : pieces) {
    if (p.text.empty()) continue;
    const int32_t word = (*next_word)++;
    tokens.clear();
    model.tokenize(p.text, &tokens);
    for (const ModelToken& t : tokens) {
      e->push(t.id, model.id_to_token(t.id), p.original_span(t.begin, t.end), seq, 0, seq, word);
    }
  }
}

}  // namespace pf
