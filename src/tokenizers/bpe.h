// Byte-pair-encoding model (the tokenizer.json "BPE" model): GPT-2 / RoBERTa /
// Llama 3 / Qwen style byte-level BPE, plus continuing_subword_prefix,
// end_of_word_suffix, byte_fallback, fuse_unk and ignore_merges. Merges are
// applied lowest rank first, leftmost first, exactly as Hugging Face does.
#pragma once

#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizers/model.h"

namespace pf {

class BpeModel : public TokenizerModel {
 public:
  // model: the "model" object of tokenizer.json (type "BPE").
  static std::unique_ptr<BpeModel> from_json(const nlohmann::json& model);
  // vocab.json / encoder.json text plus merges.txt / vocab.bpe text.
  static std::unique_ptr<BpeModel> from_vocab_and_merges(const std::string& vocab_json,
                                                         const std::string& merges_txt);

  void tokenize(std::string_view piece, std::vector<ModelToken>* out) const override;
  int32_t token_to_id(std::string_view token) const override;
  const std::string& id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return vocab_.size(); }

 private:
  void merge_word(std::string_view piece, std::vector<ModelToken>* out) const;
  void add_merge(const std::string& a, const std::string& b, size_t rank);
  void set_vocab(const nlohmann::json& vocab);

  // Keys view the strings in id_to_token_ (filled once, never resized).
  std::unordered_map<std::string_view, int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  struct MergeResult {
    uint32_t rank;
    int32_t id;
  };
  std::unordered_map<uint64_t, MergeResult> merges_;  // (left id << 32 | right id)
  std::string unk_token_, prefix_, suffix_;
  int32_t unk_id_ = -1;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  int32_t byte_ids_[256];  // <0xXX> tokens for byte_fallback, -1 when absent

  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<ModelToken>> cache_;
};

}  // namespace pf
