// A byte trie over a vocabulary for greedy longest-match tokenizers
// (WordPiece): one walk finds the longest vocabulary entry that starts a
// piece, where a hash map needs one lookup per candidate length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace pf {

class VocabTrie {
 public:
  static constexpr int32_t kRoot = 0;

  VocabTrie();
  void insert(std::string_view key, int32_t id);
  // The node `bytes` lead to from `node`, or -1 when no entry continues so.
  int32_t walk(int32_t node, std::string_view bytes) const;

  struct Match {
    int32_t id = -1;   // -1: no entry starts `text`
    size_t bytes = 0;  // length of the entry (after the node's own prefix)
  };
  // The longest entry, continuing from `node`, that is a prefix of `text`
  // and ends where is_end(bytes) says a character ends.
  template <typename IsEnd>
  Match longest_prefix(int32_t node, std::string_view text, IsEnd is_end) const {
    Match best;
    for (size_t i = 0; i < text.size() && node >= 0; ++i) {
      node = child(node, (uint8_t)text[i]);
      if (node >= 0 && terminal_[(size_t)node] >= 0 && is_end(i + 1)) best = {terminal_[(size_t)node], i + 1};
    }
    return best;
  }

 private:
  int32_t child(int32_t node, uint8_t byte) const;
  void add_edge(uint32_t key, int32_t child);
  void grow();

  // Edges in an open-addressing table: key = node * 256 + byte + 1 (0 = empty).
  std::vector<uint32_t> keys_;
  std::vector<int32_t> children_;
  size_t edges_ = 0;
  std::vector<int32_t> terminal_;  // entry id ending at each node, or -1
};

}  // namespace pf
