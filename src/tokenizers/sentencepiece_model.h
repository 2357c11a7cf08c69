// Reads sentencepiece's .model file: a serialized ModelProto
// (sentencepiece_model.proto), decoded with our own minimal protobuf
// wire-format reader. Only the fields a tokenizer needs are kept; other
// fields are skipped by wire type. Every length is bounds-checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pf {

struct SentencePieceModelProto {
  struct Piece {
    std::string piece;
    float score = 0.0f;
    int32_t type = 1;  // SpmPieceType numbers; NORMAL by default
  };
  std::vector<Piece> pieces;  // ModelProto.pieces = 1

  // TrainerSpec (ModelProto.trainer_spec = 2), proto defaults.
  int32_t model_type = 1;  // 1 UNIGRAM, 2 BPE, 3 WORD, 4 CHAR
  bool byte_fallback = false;
  bool treat_whitespace_as_suffix = false;
  int32_t unk_id = 0, bos_id = 1, eos_id = 2, pad_id = -1;
  std::string unk_piece = "<unk>", bos_piece = "<s>", eos_piece = "</s>", pad_piece = "<pad>";
  std::string unk_surface = " \xE2\x81\x87 ";

  // NormalizerSpec (ModelProto.normalizer_spec = 3), proto defaults.
  std::string normalizer_name;
  std::string precompiled_charsmap;
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool escape_whitespaces = true;
  bool has_denormalizer = false;  // denormalizer_spec = 5 with rules present
};

// Fails with kCorruptModel on malformed wire data (truncated varints or
// lengths past the end, bad wire types, groups).
SentencePieceModelProto parse_sentencepiece_model(const uint8_t* data, size_t size);

}  // namespace pf
