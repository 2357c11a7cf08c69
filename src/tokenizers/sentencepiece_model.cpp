#include "tokenizers/sentencepiece_model.h"

#include <cstring>

#include "core/error.h"

namespace pf {

namespace {

[[noreturn]] void corrupt(const std::string& what) {
  fail(ErrorCode::kCorruptModel, "sentencepiece model: " + what);
}

// A cursor over one message's bytes.
class WireReader {
 public:
  WireReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}

  bool done() const { return p_ == end_; }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) corrupt("truncated varint");
      const uint8_t b = *p_++;
      value |= (uint64_t)(b & 0x7F) << shift;
      if (!(b & 0x80)) return value;
    }
    corrupt("varint longer than 10 bytes");
  }

  // A length-delimited field's bytes.
  std::pair<const uint8_t*, size_t> bytes() {
    const uint64_t len = varint();
    if (len > (uint64_t)(end_ - p_)) corrupt("field length " + std::to_string(len) + " runs past the end");
    const uint8_t* start = p_;
    p_ += len;
    return {start, (size_t)len};
  }

  std::string string() {
    const auto b = bytes();
    return std::string(reinterpret_cast<const char*>(b.first), b.second);
  }

  float fixed32_float() {
    if (end_ - p_ < 4) corrupt("truncated fixed32");
    const uint32_t bits = (uint32_t)p_[0] | ((uint32_t)p_[1] << 8) | ((uint32_t)p_[2] << 16) |
                          ((uint32_t)p_[3] << 24);
    p_ += 4;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }

  void skip(uint32_t wire_type) {
    switch (wire_type) {
      case 0: varint(); break;
      case 1:
        if (end_ - p_ < 8) corrupt("truncated fixed64");
        p_ += 8;
        break;
      case 2: bytes(); break;
      case 5:
        if (end_ - p_ < 4) corrupt("truncated fixed32");
        p_ += 4;
        break;
      default: corrupt("unsupported wire type " + std::to_string(wire_type));
    }
  }

  // Reads a tag; returns false at the end of the message.
  bool next(uint32_t* field, uint32_t* wire_type) {
    if (done()) return false;
    const uint64_t tag = varint();
    *field = (uint32_t)(tag >> 3);
    *wire_type = (uint32_t)(tag & 7);
    if (*field == 0 || tag >> 32) corrupt("invalid field number");
    return true;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// Checks the wire type of a known field, so a mismatched file fails instead
// of being misread.
void expect(uint32_t wire_type, uint32_t want, const char* field) {
  if (wire_type != want) corrupt(std::string("field ") + field + " has wire type " + std::to_string(wire_type));
}

int32_t as_int32(uint64_t v) { return (int32_t)(uint32_t)v; }  // proto int32: two's complement

void parse_piece(const uint8_t* data, size_t size, SentencePieceModelProto::Piece* piece) {
  WireReader r(data, size);
  uint32_t field, wt;
  while (r.next(&field, &wt)) {
    if (field == 1) {
      expect(wt, 2, "SentencePiece.piece");
      piece->piece = r.string();
    } else if (field == 2) {
      expect(wt, 5, "SentencePiece.score");
      piece->score = r.fixed32_float();
    } else if (field == 3) {
      expect(wt, 0, "SentencePiece.type");
      piece->type = as_int32(r.varint());
    } else {
      r.skip(wt);
    }
  }
}

void parse_trainer_spec(const uint8_t* data, size_t size, SentencePieceModelProto* m) {
  WireReader r(data, size);
  uint32_t field, wt;
  while (r.next(&field, &wt)) {
    switch (field) {
      case 3: expect(wt, 0, "TrainerSpec.model_type"); m->model_type = as_int32(r.varint()); break;
      case 24: expect(wt, 0, "TrainerSpec.treat_whitespace_as_suffix"); m->treat_whitespace_as_suffix = r.varint() != 0; break;
      case 35: expect(wt, 0, "TrainerSpec.byte_fallback"); m->byte_fallback = r.varint() != 0; break;
      case 40: expect(wt, 0, "TrainerSpec.unk_id"); m->unk_id = as_int32(r.varint()); break;
      case 41: expect(wt, 0, "TrainerSpec.bos_id"); m->bos_id = as_int32(r.varint()); break;
      case 42: expect(wt, 0, "TrainerSpec.eos_id"); m->eos_id = as_int32(r.varint()); break;
      case 43: expect(wt, 0, "TrainerSpec.pad_id"); m->pad_id = as_int32(r.varint()); break;
      case 44: expect(wt, 2, "TrainerSpec.unk_surface"); m->unk_surface = r.string(); break;
      case 45: expect(wt, 2, "TrainerSpec.unk_piece"); m->unk_piece = r.string(); break;
      case 46: expect(wt, 2, "TrainerSpec.bos_piece"); m->bos_piece = r.string(); break;
      case 47: expect(wt, 2, "TrainerSpec.eos_piece"); m->eos_piece = r.string(); break;
      case 48: expect(wt, 2, "TrainerSpec.pad_piece"); m->pad_piece = r.string(); break;
      default: r.skip(wt);
    }
  }
}

void parse_normalizer_spec(const uint8_t* data, size_t size, SentencePieceModelProto* m) {
  WireReader r(data, size);
  uint32_t field, wt;
  while (r.next(&field, &wt)) {
    switch (field) {
      case 1: expect(wt, 2, "NormalizerSpec.name"); m->normalizer_name = r.string(); break;
      case 2: expect(wt, 2, "NormalizerSpec.precompiled_charsmap"); m->precompiled_charsmap = r.string(); break;
      case 3: expect(wt, 0, "NormalizerSpec.add_dummy_prefix"); m->add_dummy_prefix = r.varint() != 0; break;
      case 4: expect(wt, 0, "NormalizerSpec.remove_extra_whitespaces"); m->remove_extra_whitespaces = r.varint() != 0; break;
      case 5: expect(wt, 0, "NormalizerSpec.escape_whitespaces"); m->escape_whitespaces = r.varint() != 0; break;
      default: r.skip(wt);
    }
  }
}

// A denormalizer only matters if it carries rules.
bool denormalizer_has_rules(const uint8_t* data, size_t size) {
  WireReader r(data, size);
  uint32_t field, wt;
  while (r.next(&field, &wt)) {
    if (field == 2 && wt == 2) {
      if (r.bytes().second > 0) return true;
    } else {
      r.skip(wt);
    }
  }
  return false;
}

}  // namespace

SentencePieceModelProto parse_sentencepiece_model(const uint8_t* data, size_t size) {
  SentencePieceModelProto m;
  WireReader r(data, size);
  uint32_t field, wt;
  while (r.next(&field, &wt)) {
    if (field >= 1 && field <= 3) expect(wt, 2, "ModelProto message");
    if (field == 1) {
      const auto b = r.bytes();
      m.pieces.emplace_back();
      parse_piece(b.first, b.second, &m.pieces.back());
    } else if (field == 2) {
      const auto b = r.bytes();
      parse_trainer_spec(b.first, b.second, &m);
    } else if (field == 3) {
      const auto b = r.bytes();
      parse_normalizer_spec(b.first, b.second, &m);
    } else if (field == 5 && wt == 2) {
      const auto b = r.bytes();
      m.has_denormalizer = denormalizer_has_rules(b.first, b.second);
    } else {
      r.skip(wt);
    }
  }
  if (m.pieces.empty()) corrupt("no pieces (not a sentencepiece .model file?)");
  return m;
}

}  // namespace pf
