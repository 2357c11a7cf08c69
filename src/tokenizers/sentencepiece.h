// A whole SentencePiece tokenizer: sentencepiece's normalizer (optional
// precompiled charsmap, dummy "▁" prefix, spaces escaped as "▁", extra
// whitespace removal), a BPE or Unigram model over one piece table, byte
// fallback, BOS/EOS, and sentencepiece's decoder. Built from a .model file
// (ModelProto), a llama2.c tokenizer.bin, or GGUF "llama" vocab arrays.
// encode()/decode() reproduce python sentencepiece's encode()/decode().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizers/model.h"
#include "tokenizers/sentencepiece_vocab.h"

namespace pf {

class PrecompiledCharsmap;

class SentencePieceTokenizer {
 public:
  enum class ModelType : int32_t { kUnigram = 1, kBpe = 2 };

  struct Options {
    ModelType model_type = ModelType::kBpe;
    bool byte_fallback = true;  // only takes effect if the vocab has byte pieces
    bool add_dummy_prefix = true;
    bool remove_extra_whitespaces = false;
    bool escape_whitespaces = true;
    std::string precompiled_charsmap;  // normalizer_spec blob; empty = identity
    // Special ids; -1 looks the piece up ("<s>", "</s>", "<pad>" of type
    // control), -2 means none, and an id that is not a control piece counts
    // as absent.
    int32_t bos_id = -1;
    int32_t eos_id = -1;
    int32_t pad_id = -1;
    std::string unk_surface = " \xE2\x81\x87 ";  // what decode() prints for unk (" ⁇ ")
  };

  // A sentencepiece .model file (serialized ModelProto).
  static SentencePieceTokenizer from_model_proto(const uint8_t* bytes, size_t size);
  // llama2.c's tokenizer.bin; vocab_size from the checkpoint header, or 0 to
  // read to the end of the data. Id 0 is unk, 1 BOS, 2 EOS (llama2.c's
  // fixed ids), "<0xXX>" pieces are bytes; the rest are BPE pieces.
  static SentencePieceTokenizer from_llama2c(const uint8_t* bytes, size_t size, size_t vocab_size);
  // Piece arrays, e.g. GGUF tokenizer.ggml.{tokens,scores,token_type} of a
  // "llama" tokenizer. types use SpmPieceType numbers (1 normal, 2 unknown,
  // 3 control, 4 user-defined, 5 unused, 6 byte); empty scores mean all 0.
  static SentencePieceTokenizer from_pieces(std::vector<std::string> pieces,
                                            std::vector<float> scores,
                                            std::vector<int32_t> types, Options options);

  std::vector<int32_t> encode(std::string_view text, bool add_bos, bool add_eos) const;
  // Ids to text as sentencepiece decodes: "▁" -> " ", byte pieces -> raw
  // bytes (invalid UTF-8 -> U+FFFD per byte), the dummy-prefix space of the
  // first piece dropped, unk -> unk_surface. Control pieces are dropped when
  // skip_special, else written as their piece text. Ids outside the vocab
  // fail with kInvalidArgument.
  std::string decode(const std::vector<int32_t>& ids, bool skip_special) const;
  // One token for streaming output, llama2.c's way: "▁" -> " ", and after
  // BOS a leading space is stripped; a byte piece gives its single raw byte
  // (the caller buffers incomplete UTF-8); control pieces give "", unk its
  // unk_surface. Ids outside the vocab fail with kInvalidArgument.
  std::string decode_token(int32_t prev_id, int32_t id) const;
  // Tokens (no BOS/EOS) with byte offsets into the original text, as
  // sentencepiece's SentencePieceText begin/end: a piece covers the input
  // that normalized into it; of the byte-fallback pieces of one character
  // only the last covers it (the others are empty at its start).
  std::vector<ModelToken> encode_with_offsets(std::string_view text) const;
  // The normalized text the model sees (sentencepiece's Normalize()).
  std::string normalize(std::string_view text) const;
  // The same, with to_orig[i] = the input offset normalized byte i came
  // from, plus a final entry (sentencepiece's norm_to_orig).
  void normalize_aligned(std::string_view text, std::string* out, std::vector<uint32_t>* to_orig) const;

  int32_t bos_id() const { return bos_id_; }
  int32_t eos_id() const { return eos_id_; }
  int32_t unk_id() const { return vocab_->unk_id(); }
  int32_t pad_id() const { return pad_id_; }
  size_t vocab_size() const { return vocab_->size(); }
  const std::string& id_to_piece(int32_t id) const { return vocab_->piece(id); }
  int32_t piece_to_id(std::string_view piece) const;  // -1 when absent
  float score(int32_t id) const { return vocab_->score(id); }
  SpmPieceType piece_type(int32_t id) const { return vocab_->type(id); }
  const Options& options() const { return options_; }
  // The model stage alone (for the tokenizer.json pipeline and tests).
  const TokenizerModel& model() const { return *model_; }

 private:
  SentencePieceTokenizer() = default;

  Options options_;
  std::shared_ptr<const SentencePieceVocab> vocab_;
  std::shared_ptr<const TokenizerModel> model_;
  std::shared_ptr<const PrecompiledCharsmap> charsmap_;  // null = identity
  int32_t bos_id_ = -1, eos_id_ = -1, pad_id_ = -1;
};

}  // namespace pf
