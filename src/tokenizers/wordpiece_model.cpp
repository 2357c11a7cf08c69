#include "tokenizers/wordpiece_model.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/json_util.h"
#include "tokenizers/utf8_text.h"

namespace pf {

using nlohmann::json;

std::unique_ptr<WordPieceModel> WordPieceModel::from_json(const json& model) {
  auto m = std::make_unique<WordPieceModel>();
  const json& vocab = json_at(model, "vocab", "WordPiece model");
  if (!vocab.is_object()) fail(ErrorCode::kCorruptModel, "tokenizer.json: WordPiece model: 'vocab' is not an object");
  int64_t max_id = -1;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_integer() || it.value().get<int64_t>() < 0 ||
        it.value().get<int64_t>() > 50000000) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json: WordPiece model: bad id for '" + it.key() + "'");
    }
    max_id = std::max(max_id, it.value().get<int64_t>());
  }
  m->id_to_token_.assign((size_t)(max_id + 1), std::string());
  std::vector<char> has(m->id_to_token_.size(), 0);
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const size_t id = (size_t)it.value().get<int64_t>();
    if (has[id]) {
      fail(ErrorCode::kCorruptModel, "tokenizer.json: WordPiece model: two vocab entries share id " + std::to_string(id));
    }
    has[id] = 1;
    m->id_to_token_[id] = it.key();
  }
  for (size_t id = 0; id < m->id_to_token_.size(); ++id) {
    if (has[id]) {
      m->vocab_[m->id_to_token_[id]] = (int32_t)id;
      m->trie_.insert(m->id_to_token_[id], (int32_t)id);
    }
  }
  m->unk_token_ = json_string_or(model, "unk_token", "[UNK]", "WordPiece model");
  m->prefix_ = json_string_or(model, "continuing_subword_prefix", "##", "WordPiece model");
  const int64_t max_chars = json_int(model, "max_input_chars_per_word", 100, "WordPiece model");
  if (max_chars < 0) fail(ErrorCode::kCorruptModel, "tokenizer.json: WordPiece model: negative max_input_chars_per_word");
  m->max_chars_ = (size_t)max_chars;
  m->continuation_node_ = m->trie_.walk(VocabTrie::kRoot, m->prefix_);
  m->unk_id_ = m->token_to_id(m->unk_token_);
  if (m->unk_id_ < 0) {
    fail(ErrorCode::kCorruptModel, "tokenizer.json: WordPiece model: unk_token '" + m->unk_token_ + "' is not in the vocab");
  }
  return m;
}

std::unique_ptr<WordPieceModel> WordPieceModel::from_vocab_txt(const std::string& text) {
  json vocab = json::object();
  size_t start = 0;
  int64_t id = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string token = text.substr(start, end - start);
    if (!token.empty() && token.back() == '\r') token.pop_back();
    vocab[token] = id++;  // a repeated line keeps its last id, as HF's loader does
    start = end + 1;
  }
  return from_json(json{{"type", "WordPiece"}, {"vocab", std::move(vocab)}});
}

int32_t WordPieceModel::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const std::string& WordPieceModel::id_to_token(int32_t id) const {
  static const std::string kEmpty;
  if (id < 0 || (size_t)id >= id_to_token_.size()) return kEmpty;
  return id_to_token_[(size_t)id];
}

void WordPieceModel::tokenize(std::string_view word, std::vector<ModelToken>* out) const {
  if (word.empty()) return;
  bool ascii = true;
  for (char c : word) ascii &= (unsigned char)c < 0x80;
  // Where each code point ends, so a piece never splits a character; ASCII
  // words (most text) need no table: every byte is a character.
  std::vector<char> is_end;
  size_t chars = word.size();
  if (!ascii) {
    is_end.assign(word.size() + 1, 0);
    chars = 0;
    for (size_t pos = 0; pos < word.size(); ++chars) {
      uint32_t len = 0;
      utf8::decode(word, pos, &len);
      pos += len;
      is_end[pos] = 1;
    }
  }
  if (chars > max_chars_) {
    out->push_back({unk_id_, 0, (uint32_t)word.size()});
    return;
  }
  const size_t first = out->size();
  for (size_t start = 0; start < word.size();) {
    // The longest vocab entry (prefixed after the first piece) starting
    // here: the greedy longest match of BERT's WordPiece in one trie walk.
    const int32_t node = start == 0 ? VocabTrie::kRoot : continuation_node_;
    const VocabTrie::Match m =
        node < 0 ? VocabTrie::Match{} : trie_.longest_prefix(node, word.substr(start), [&](size_t bytes) {
                      return ascii || is_end[start + bytes] != 0;
                    });
    if (m.id < 0) {
      out->resize(first);
      out->push_back({unk_id_, 0, (uint32_t)word.size()});
      return;
    }
    out->push_back({m.id, (uint32_t)start, (uint32_t)(start + m.bytes)});
    start += m.bytes;
  }
}

}  // namespace pf
