#include "tokenizers/bpe.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <queue>

#include "core/error.h"
#include "tokenizers/json_util.h"
#include "tokenizers/utf8_text.h"

namespace pf {

namespace {

using nlohmann::json;
constexpr size_t kCacheCapacity = 10000;  // Hugging Face's default
constexpr size_t kMaxCachedPiece = 256;

[[noreturn]] void corrupt(const std::string& what) {
  fail(ErrorCode::kCorruptModel, "tokenizer.json: BPE model: " + what);
}

}  // namespace

void BpeModel::set_vocab(const json& vocab) {
  if (!vocab.is_object()) corrupt("'vocab' is not an object");
  int64_t max_id = -1;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_integer()) corrupt("vocab entry '" + it.key() + "' has no integer id");
    const int64_t id = it.value().get<int64_t>();
    if (id < 0 || id > 50000000) corrupt("vocab id out of range for '" + it.key() + "'");
    max_id = std::max(max_id, id);
  }
  id_to_token_.assign((size_t)(max_id + 1), std::string());
  std::vector<char> has(id_to_token_.size(), 0);
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const size_t id = (size_t)it.value().get<int64_t>();
    if (has[id]) corrupt("two vocab entries share id " + std::to_string(id));
    has[id] = 1;
    id_to_token_[id] = it.key();
  }
  vocab_.reserve(vocab.size());
  for (size_t id = 0; id < id_to_token_.size(); ++id) {
    if (has[id]) vocab_[id_to_token_[id]] = (int32_t)id;
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    byte_ids_[b] = token_to_id(name);
  }
}

void BpeModel::add_merge(const std::string& a, const std::string& b, size_t rank) {
  const int32_t ia = token_to_id(a), ib = token_to_id(b);
  if (ia < 0 || ib < 0) corrupt("merge '" + a + " " + b + "' uses a token missing from the vocab");
  const int32_t merged = token_to_id(a + b);
  if (merged < 0) corrupt("merge result '" + a + b + "' is missing from the vocab");
  const uint64_t key = ((uint64_t)(uint32_t)ia << 32) | (uint32_t)ib;
  // A repeated pair keeps its last rank, as Hugging Face's map does.
  merges_.insert_or_assign(key, MergeResult{(uint32_t)rank, merged});
}

std::unique_ptr<BpeModel> BpeModel::from_json(const json& model) {
  auto m = std::make_unique<BpeModel>();
  m->set_vocab(json_at(model, "vocab", "BPE model"));
  const json* dropout = json_find(model, "dropout");
  if (dropout && !dropout->is_null()) {
    if (!dropout->is_number()) corrupt("'dropout' is not a number");
    // Dropout samples random merges during training; inference uses none.
    if (dropout->get<double>() != 0.0 && dropout->get<double>() != 1.0) {
      fail(ErrorCode::kUnsupported, "tokenizer.json: BPE model: dropout (training-only randomness) is not supported");
    }
  }
  m->unk_token_ = json_string_or(model, "unk_token", "", "BPE model");
  if (!m->unk_token_.empty()) m->unk_id_ = m->token_to_id(m->unk_token_);
  m->prefix_ = json_string_or(model, "continuing_subword_prefix", "", "BPE model");
  m->suffix_ = json_string_or(model, "end_of_word_suffix", "", "BPE model");
  m->fuse_unk_ = json_bool(model, "fuse_unk", false, "BPE model");
  m->byte_fallback_ = json_bool(model, "byte_fallback", false, "BPE model");
  m->ignore_merges_ = json_bool(model, "ignore_merges", false, "BPE model");
  const json& merges = json_at(model, "merges", "BPE model");
  if (!merges.is_array()) corrupt("'merges' is not a list");
  m->merges_.reserve(merges.size());
  size_t rank = 0;
  for (const json& merge : merges) {
    if (merge.is_string()) {
      // Legacy "a b" form: split at the first space.
      const std::string& s = merge.get_ref<const std::string&>();
      const size_t sp = s.find(' ');
      if (sp == std::string::npos || sp == 0 || sp + 1 >= s.size() || s.find(' ', sp + 1) != std::string::npos) {
        corrupt("merge '" + s + "' is not two space-separated tokens");
      }
      m->add_merge(s.substr(0, sp), s.substr(sp + 1), rank++);
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
      m->add_merge(merge[0].get<std::string>(), merge[1].get<std::string>(), rank++);
    } else {
      corrupt("a merge is neither \"a b\" nor [\"a\", \"b\"]");
    }
  }
  return m;
}

std::unique_ptr<BpeModel> BpeModel::from_vocab_and_merges(const std::string& vocab_json,
                                                          const std::string& merges_txt) {
  json vocab = json::parse(vocab_json, nullptr, false);
  if (vocab.is_discarded()) fail(ErrorCode::kCorruptModel, "vocab.json is not valid JSON");
  json merges = json::array();
  size_t start = 0;
  bool first = true;
  while (start < merges_txt.size()) {
    size_t end = merges_txt.find('\n', start);
    if (end == std::string::npos) end = merges_txt.size();
    std::string line = merges_txt.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    start = end + 1;
    // The first line of GPT-2's file is a "#version" header.
    if (first && line.rfind("#version", 0) == 0) {
      first = false;
      continue;
    }
    first = false;
    if (line.empty()) continue;
    merges.push_back(line);
  }
  json model = {{"type", "BPE"}, {"vocab", std::move(vocab)}, {"merges", std::move(merges)}};
  return from_json(model);
}

int32_t BpeModel::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const std::string& BpeModel::id_to_token(int32_t id) const {
  static const std::string kEmpty;
  if (id < 0 || (size_t)id >= id_to_token_.size()) return kEmpty;
  return id_to_token_[(size_t)id];
}

void BpeModel::tokenize(std::string_view piece, std::vector<ModelToken>* out) const {
  if (piece.empty()) return;
  if (ignore_merges_) {
    const int32_t id = token_to_id(piece);
    if (id >= 0) {
      out->push_back({id, 0, (uint32_t)piece.size()});
      return;
    }
  }
  const bool cacheable = piece.size() <= kMaxCachedPiece;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(std::string(piece));
    if (it != cache_.end()) {
      out->insert(out->end(), it->second.begin(), it->second.end());
      return;
    }
  }
  const size_t first = out->size();
  merge_word(piece, out);
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_.size() < kCacheCapacity) {
      cache_.emplace(std::string(piece), std::vector<ModelToken>(out->begin() + (std::ptrdiff_t)first, out->end()));
    }
  }
}

void BpeModel::merge_word(std::string_view piece, std::vector<ModelToken>* out) const {
  struct Symbol {
    int32_t id;
    int32_t prev, next;
    uint32_t begin, end;
    bool alive;
  };
  std::vector<Symbol> symbols;
  symbols.reserve(piece.size());
  std::string buf;
  for (size_t pos = 0; pos < piece.size();) {
    uint32_t len = 0;
    utf8::decode(piece, pos, &len);
    const bool is_first = pos == 0, is_last = pos + len == piece.size();
    buf.clear();
    if (!is_first) buf += prefix_;
    buf.append(piece.substr(pos, len));
    if (is_last) buf += suffix_;
    const int32_t id = token_to_id(buf);
    auto push = [&](int32_t tid, uint32_t b, uint32_t e) {
      symbols.push_back({tid, (int32_t)symbols.size() - 1, (int32_t)symbols.size() + 1, b, e, true});
    };
    if (id >= 0) {
      push(id, (uint32_t)pos, (uint32_t)(pos + len));
    } else {
      bool bytes_ok = byte_fallback_;
      for (uint32_t k = 0; bytes_ok && k < len; ++k) bytes_ok = byte_ids_[(uint8_t)piece[pos + k]] >= 0;
      if (bytes_ok) {
        for (uint32_t k = 0; k < len; ++k) {
          push(byte_ids_[(uint8_t)piece[pos + k]], (uint32_t)(pos + k), (uint32_t)(pos + k + 1));
        }
      } else if (unk_id_ >= 0) {
        if (fuse_unk_ && !symbols.empty() && symbols.back().id == unk_id_) {
          symbols.back().end = (uint32_t)(pos + len);
        } else {
          push(unk_id_, (uint32_t)pos, (uint32_t)(pos + len));
        }
      }
      // Without an unk token the character is dropped, as Hugging Face does.
    }
    pos += len;
  }
  if (symbols.empty()) return;
  symbols.back().next = -1;
  for (size_t i = 0; i < symbols.size(); ++i) symbols[i].prev = (int32_t)i - 1;

  struct Candidate {
    uint32_t rank;
    int32_t pos;
    int32_t new_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  auto lookup = [&](int32_t a, int32_t b) -> const MergeResult* {
    auto it = merges_.find(((uint64_t)(uint32_t)a << 32) | (uint32_t)b);
    return it == merges_.end() ? nullptr : &it->second;
  };
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const MergeResult* m = lookup(symbols[i].id, symbols[i + 1].id)) {
      queue.push({m->rank, (int32_t)i, m->id});
    }
  }
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[(size_t)top.pos];
    if (!left.alive || left.next < 0) continue;
    Symbol& right = symbols[(size_t)left.next];
    const MergeResult* m = lookup(left.id, right.id);
    if (!m || m->id != top.new_id) continue;  // stale entry
    left.id = m->id;
    left.end = right.end;
    left.next = right.next;
    right.alive = false;
    if (left.next >= 0) symbols[(size_t)left.next].prev = top.pos;
    if (left.prev >= 0) {
      if (const MergeResult* pm = lookup(symbols[(size_t)left.prev].id, left.id)) {
        queue.push({pm->rank, left.prev, pm->id});
      }
    }
    if (left.next >= 0) {
      if (const MergeResult* nm = lookup(left.id, symbols[(size_t)left.next].id)) {
        queue.push({nm->rank, top.pos, nm->id});
      }
    }
  }
  for (const Symbol& s : symbols) {
    if (s.alive) out->push_back({s.id, s.begin, s.end});
  }
}

}  // namespace pf
