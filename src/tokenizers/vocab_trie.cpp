#include "tokenizers/vocab_trie.h"

#include "core/error.h"

namespace pf {

namespace {

size_t slot_of(uint32_t key, size_t mask) {
  return (size_t)((key * 0x9E3779B1u) >> 7) & mask;  // multiplicative hash
}

}  // namespace

VocabTrie::VocabTrie() : keys_(1024, 0), children_(1024, -1), terminal_(1, -1) {}

int32_t VocabTrie::child(int32_t node, uint8_t byte) const {
  const uint32_t key = (uint32_t)node * 256u + byte + 1u;
  const size_t mask = keys_.size() - 1;
  for (size_t i = slot_of(key, mask);; i = (i + 1) & mask) {
    if (keys_[i] == key) return children_[i];
    if (keys_[i] == 0) return -1;
  }
}

void VocabTrie::add_edge(uint32_t key, int32_t child_node) {
  if (2 * (edges_ + 1) > keys_.size()) grow();
  const size_t mask = keys_.size() - 1;
  size_t i = slot_of(key, mask);
  while (keys_[i] != 0) i = (i + 1) & mask;
  keys_[i] = key;
  children_[i] = child_node;
  ++edges_;
}

void VocabTrie::grow() {
  std::vector<uint32_t> keys(keys_.size() * 2, 0);
  std::vector<int32_t> children(keys.size(), -1);
  keys.swap(keys_);
  children.swap(children_);
  const size_t mask = keys_.size() - 1;
  for (size_t j = 0; j < keys.size(); ++j) {
    if (keys[j] == 0) continue;
    size_t i = slot_of(keys[j], mask);
    while (keys_[i] != 0) i = (i + 1) & mask;
    keys_[i] = keys[j];
    children_[i] = children[j];
  }
}

void VocabTrie::insert(std::string_view key, int32_t id) {
  int32_t node = kRoot;
  for (char c : key) {
    int32_t next = child(node, (uint8_t)c);
    if (next < 0) {
      // Keys are node * 256 + byte + 1 in 32 bits: at most 2^24 nodes.
      if (terminal_.size() >= (1u << 24) - 1) {
        fail(ErrorCode::kCorruptModel, "vocabulary too large for the tokenizer's trie");
      }
      next = (int32_t)terminal_.size();
      terminal_.push_back(-1);
      add_edge((uint32_t)node * 256u + (uint8_t)c + 1u, next);
    }
    node = next;
  }
  terminal_[(size_t)node] = id;
}

int32_t VocabTrie::walk(int32_t node, std::string_view bytes) const {
  for (char c : bytes) {
    if (node < 0) return -1;
    node = child(node, (uint8_t)c);
  }
  return node;
}

}  // namespace pf
