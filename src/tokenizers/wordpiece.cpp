#include "tokenizers/wordpiece.h"

#include <utf8proc.h>

#include "core/error.h"
#include "tokenizers/utf8_text.h"

namespace pf {

namespace {

// Decodes UTF-8; invalid sequences become U+FFFD (which cleanup then drops,
// as the Python tokenizer drops it). `starts` receives each code point's byte
// position (plus one final entry, the end), so spans can be reported.
std::vector<int32_t> decode_utf8(const std::string& text, std::vector<uint32_t>* starts) {
  std::vector<int32_t> cps;
  cps.reserve(text.size());
  starts->clear();
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = (utf8proc_ssize_t)text.size();
  uint32_t at = 0;
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      cp = 0xFFFD;
      n = 1;
    }
    cps.push_back(cp);
    starts->push_back(at);
    p += n;
    left -= n;
    at += (uint32_t)n;
  }
  starts->push_back(at);
  return cps;
}

bool is_whitespace(int32_t cp) {
  if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') return true;
  // Zs is BERT's own whitespace test; line/paragraph separators (Zl, Zp)
  // split words too, because Python's str.split() breaks on them.
  const auto category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

// Lowercase, then canonical decomposition with nonspacing marks removed
// (what do_lower_case's accent stripping does).
void lower_and_strip_accents(int32_t cp, std::vector<int32_t>* out) {
  cp = utf8proc_tolower(cp);
  utf8proc_int32_t decomposed[8];
  int boundclass = 0;
  const utf8proc_ssize_t n =
      utf8proc_decompose_char(cp, decomposed, 8, UTF8PROC_DECOMPOSE, &boundclass);
  if (n <= 0 || n > 8) {
    out->push_back(cp);
    return;
  }
  for (utf8proc_ssize_t i = 0; i < n; ++i) {
    if (utf8proc_category(decomposed[i]) != UTF8PROC_CATEGORY_MN) out->push_back(decomposed[i]);
  }
}

}  // namespace

// A pre-tokenized word: its normalized text and, per code point of that
// text, the byte span of the input character it came from.
struct WordPieceTokenizer::Word {
  std::string text;
  std::vector<std::pair<uint32_t, uint32_t>> spans;
};

WordPieceTokenizer WordPieceTokenizer::from_vocab_txt(const std::string& text, Options options) {
  WordPieceTokenizer tok;
  tok.options_ = options;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string token = text.substr(start, end - start);
    if (!token.empty() && token.back() == '\r') token.pop_back();
    const int32_t id = (int32_t)tok.id_to_token_.size();
    // A repeated line maps to its last id, as Hugging Face's line-by-line
    // dict does.
    tok.token_to_id_[token] = id;
    tok.id_to_token_.push_back(std::move(token));
    start = end + 1;
  }
  if (tok.id_to_token_.empty()) fail(ErrorCode::kCorruptModel, "vocab.txt: empty vocabulary");
  tok.cls_id_ = tok.token_to_id("[CLS]");
  tok.sep_id_ = tok.token_to_id("[SEP]");
  tok.pad_id_ = tok.token_to_id("[PAD]");
  tok.unk_id_ = tok.token_to_id("[UNK]");
  for (const char* required : {"[CLS]", "[SEP]", "[UNK]"}) {
    if (tok.token_to_id(required) < 0) {
      fail(ErrorCode::kCorruptModel, std::string("vocab.txt: missing special token ") + required);
    }
  }
  if (tok.pad_id_ < 0) tok.pad_id_ = 0;
  for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    if (tok.token_to_id(special) >= 0) tok.special_tokens_.push_back(special);
  }
  return tok;
}

int32_t WordPieceTokenizer::token_to_id(const std::string& token) const {
  auto it = token_to_id_.find(token);
  return it == token_to_id_.end() ? -1 : it->second;
}

const std::string& WordPieceTokenizer::id_to_token(int32_t id) const {
  static const std::string kEmpty;
  if (id < 0 || (size_t)id >= id_to_token_.size()) return kEmpty;
  return id_to_token_[(size_t)id];
}

std::vector<WordPieceTokenizer::Word> WordPieceTokenizer::split_words(const std::string& text,
                                                                      uint32_t base) const {
  std::vector<Word> words;
  Word current;
  auto flush = [&] {
    if (!current.text.empty()) words.push_back(std::move(current));
    current = Word();
  };
  auto append = [&](int32_t cp, uint32_t begin, uint32_t end) {
    utf8::append(cp, &current.text);
    current.spans.emplace_back(base + begin, base + end);
  };
  std::vector<uint32_t> starts;
  const std::vector<int32_t> cps = decode_utf8(text, &starts);
  std::vector<int32_t> normalized;
  for (size_t i = 0; i < cps.size(); ++i) {
    const int32_t cp = cps[i];
    const uint32_t begin = starts[i], end = starts[i + 1];
    if (cp == 0 || cp == 0xFFFD || utf8::is_control(cp)) continue;
    if (is_whitespace(cp)) {
      flush();
      continue;
    }
    if (utf8::is_cjk(cp)) {
      flush();
      append(cp, begin, end);
      flush();
      continue;
    }
    normalized.clear();
    if (options_.lowercase) {
      lower_and_strip_accents(cp, &normalized);
    } else {
      normalized.push_back(cp);
    }
    // Every character a source character turns into keeps its source span.
    for (int32_t n : normalized) {
      if (utf8::is_bert_punctuation(n)) {
        flush();
        append(n, begin, end);
        flush();
      } else {
        append(n, begin, end);
      }
    }
  }
  flush();
  return words;
}

std::vector<std::string> WordPieceTokenizer::pre_tokenize(const std::string& text) const {
  std::vector<std::string> words;
  for (Word& word : split_words(text, 0)) words.push_back(std::move(word.text));
  return words;
}

void WordPieceTokenizer::wordpiece(const Word& word, uint32_t word_index,
                                   std::vector<SpannedToken>* out) const {
  const std::string& text = word.text;
  // Work on code point boundaries so a piece never splits a character.
  std::vector<size_t> bounds;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) bounds.push_back(i);
  }
  bounds.push_back(text.size());
  const size_t chars = bounds.size() - 1;
  const SpannedToken whole_unknown{unk_id_, word.spans.front().first, word.spans.back().second,
                                   word_index};
  if (chars > options_.max_chars_per_word) {
    out->push_back(whole_unknown);
    return;
  }
  std::vector<SpannedToken> pieces;
  size_t start = 0;
  while (start < chars) {
    int32_t found = -1;
    size_t end = chars;
    for (; end > start; --end) {
      std::string piece = text.substr(bounds[start], bounds[end] - bounds[start]);
      if (start > 0) piece = "##" + piece;
      found = token_to_id(piece);
      if (found >= 0) break;
    }
    if (found < 0) {
      out->push_back(whole_unknown);
      return;
    }
    pieces.push_back({found, word.spans[start].first, word.spans[end - 1].second, word_index});
    start = end;
  }
  out->insert(out->end(), pieces.begin(), pieces.end());
}

std::vector<WordPieceTokenizer::SpannedToken> WordPieceTokenizer::tokenize_with_offsets(
    const std::string& text) const {
  // Special tokens written literally in the text ("[MASK]") stay single
  // tokens, matched case-sensitively before any normalization.
  std::vector<SpannedToken> tokens;
  uint32_t word_index = 0;
  size_t chunk_start = 0, pos = 0;
  auto tokenize_chunk = [&](size_t end) {
    for (const Word& word :
         split_words(text.substr(chunk_start, end - chunk_start), (uint32_t)chunk_start)) {
      wordpiece(word, word_index++, &tokens);
    }
  };
  while (pos < text.size()) {
    const std::string* match = nullptr;
    if (text[pos] == '[') {
      for (const std::string& special : special_tokens_) {
        if (text.compare(pos, special.size(), special) == 0 &&
            (!match || special.size() > match->size())) {
          match = &special;
        }
      }
    }
    if (!match) {
      ++pos;
      continue;
    }
    tokenize_chunk(pos);
    tokens.push_back({token_to_id(*match), (uint32_t)pos, (uint32_t)(pos + match->size()),
                      word_index++});
    pos += match->size();
    chunk_start = pos;
  }
  tokenize_chunk(text.size());
  return tokens;
}

std::vector<int32_t> WordPieceTokenizer::tokenize_ids(const std::string& text) const {
  std::vector<int32_t> ids;
  for (const SpannedToken& token : tokenize_with_offsets(text)) ids.push_back(token.id);
  return ids;
}

std::vector<int32_t> WordPieceTokenizer::encode(const std::string& text,
                                                size_t max_length) const {
  if (max_length < 2) fail(ErrorCode::kInvalidArgument, "max_length must be at least 2");
  std::vector<int32_t> body = tokenize_ids(text);
  if (body.size() > max_length - 2) body.resize(max_length - 2);
  std::vector<int32_t> ids;
  ids.reserve(body.size() + 2);
  ids.push_back(cls_id_);
  ids.insert(ids.end(), body.begin(), body.end());
  ids.push_back(sep_id_);
  return ids;
}

}  // namespace pf
