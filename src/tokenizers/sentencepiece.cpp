#include "tokenizers/sentencepiece.h"

#include <cctype>

#include "core/error.h"
#include "tokenizers/llama2c_vocab.h"
#include "tokenizers/precompiled_charsmap.h"
#include "tokenizers/sentencepiece_model.h"
#include "tokenizers/spm_bpe.h"
#include "tokenizers/unigram.h"

namespace pf {

namespace {

const std::string_view kSpace = kSpmSpaceSymbol;
const std::string_view kReplacementChar = "\xEF\xBF\xBD";

// An id given by the caller if it names a control piece; -1: the control
// piece spelled `piece`; else -1 (absent) (sentencepiece's bos_id()/eos_id()/pad_id()).
int32_t resolve_special(const SentencePieceVocab& vocab, int32_t given, std::string_view piece) {
  if (given < -1) return -1;
  if (given >= 0) return vocab.type(given) == SpmPieceType::kControl && vocab.contains(given) ? given : -1;
  const int32_t id = vocab.piece_to_id(piece);
  return id >= 0 && vocab.type(id) == SpmPieceType::kControl ? id : -1;
}

void replace_all(std::string* s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s->size());
  size_t start = 0;
  for (size_t at; (at = s->find(from, start)) != std::string::npos; start = at + from.size()) {
    out.append(*s, start, at - start);
    out.append(to);
  }
  out.append(*s, start, std::string::npos);
  s->swap(out);
}

}  // namespace

SentencePieceTokenizer SentencePieceTokenizer::from_pieces(std::vector<std::string> pieces,
                                                           std::vector<float> scores,
                                                           std::vector<int32_t> types,
                                                           Options options) {
  if (scores.empty()) scores.assign(pieces.size(), 0.0f);
  if (options.model_type != ModelType::kBpe && options.model_type != ModelType::kUnigram) {
    fail(ErrorCode::kUnsupported, "sentencepiece: model type " +
                                      std::to_string((int)options.model_type) + " is not BPE or Unigram");
  }
  SentencePieceTokenizer tok;
  auto vocab = std::make_shared<const SentencePieceVocab>(std::move(pieces), std::move(scores), std::move(types));
  const bool byte_fallback = options.byte_fallback && vocab->has_byte_pieces();
  if (options.model_type == ModelType::kBpe) {
    tok.model_ = std::make_shared<const SpmBpeModel>(vocab, byte_fallback);
  } else {
    tok.model_ = std::make_shared<const UnigramModel>(vocab, byte_fallback);
  }
  if (!options.precompiled_charsmap.empty()) {
    tok.charsmap_ = std::make_shared<const PrecompiledCharsmap>(PrecompiledCharsmap::parse(
        reinterpret_cast<const uint8_t*>(options.precompiled_charsmap.data()),
        options.precompiled_charsmap.size()));
  }
  tok.bos_id_ = resolve_special(*vocab, options.bos_id, "<s>");
  tok.eos_id_ = resolve_special(*vocab, options.eos_id, "</s>");
  tok.pad_id_ = resolve_special(*vocab, options.pad_id, "<pad>");
  tok.vocab_ = std::move(vocab);
  tok.options_ = std::move(options);
  return tok;
}

SentencePieceTokenizer SentencePieceTokenizer::from_model_proto(const uint8_t* bytes, size_t size) {
  SentencePieceModelProto proto = parse_sentencepiece_model(bytes, size);
  if (proto.model_type != 1 && proto.model_type != 2) {
    fail(ErrorCode::kUnsupported, "sentencepiece model type " + std::to_string(proto.model_type) +
                                      " (WORD/CHAR) is not supported, only Unigram and BPE");
  }
  if (proto.treat_whitespace_as_suffix) {
    fail(ErrorCode::kUnsupported, "sentencepiece treat_whitespace_as_suffix is not supported");
  }
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<int32_t> types;
  pieces.reserve(proto.pieces.size());
  scores.reserve(proto.pieces.size());
  types.reserve(proto.pieces.size());
  for (auto& p : proto.pieces) {
    pieces.push_back(std::move(p.piece));
    scores.push_back(p.score);
    types.push_back(p.type);
  }
  // sentencepiece finds the specials by their piece text, not the trainer ids.
  const auto find = [&](const std::string& piece) -> int32_t {
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (pieces[i] == piece && types[i] == (int32_t)SpmPieceType::kControl) return (int32_t)i;
    }
    return -2;  // absent
  };
  Options options;
  options.model_type = static_cast<ModelType>(proto.model_type);
  options.byte_fallback = proto.byte_fallback;
  options.add_dummy_prefix = proto.add_dummy_prefix;
  options.remove_extra_whitespaces = proto.remove_extra_whitespaces;
  options.escape_whitespaces = proto.escape_whitespaces;
  options.precompiled_charsmap = std::move(proto.precompiled_charsmap);
  options.unk_surface = proto.unk_surface;
  const int32_t bos = find(proto.bos_piece), eos = find(proto.eos_piece), pad = find(proto.pad_piece);
  options.bos_id = bos;
  options.eos_id = eos;
  options.pad_id = pad;
  return from_pieces(std::move(pieces), std::move(scores), std::move(types), std::move(options));
}

SentencePieceTokenizer SentencePieceTokenizer::from_llama2c(const uint8_t* bytes, size_t size,
                                                            size_t vocab_size) {
  Llama2cVocab file = parse_llama2c_vocab(bytes, size, vocab_size);
  const size_t n = file.pieces.size();
  if (n < 3) fail(ErrorCode::kCorruptModel, "llama2.c tokenizer: fewer than 3 tokens (unk, BOS, EOS)");
  std::vector<int32_t> types(n, (int32_t)SpmPieceType::kNormal);
  types[0] = (int32_t)SpmPieceType::kUnknown;
  types[1] = types[2] = (int32_t)SpmPieceType::kControl;
  // The exporter wrote BOS/EOS as "\n<s>\n" and "\n</s>\n"; use sentencepiece's names.
  if (file.pieces[1] == "\n<s>\n") file.pieces[1] = "<s>";
  if (file.pieces[2] == "\n</s>\n") file.pieces[2] = "</s>";
  for (size_t i = 0; i < n; ++i) {
    std::string& piece = file.pieces[i];
    if (i >= 3) {
      const bool byte_like = piece.size() == 6 && piece.compare(0, 3, "<0x") == 0 && piece[5] == '>' &&
                             std::isxdigit((unsigned char)piece[3]) && std::isxdigit((unsigned char)piece[4]);
      if (byte_like) {
        types[i] = (int32_t)SpmPieceType::kByte;
        continue;
      }
    }
    // The exporter turned sentencepiece's "▁" into spaces; turn them back so
    // encoding can escape spaces exactly as sentencepiece does.
    replace_all(&piece, " ", kSpace);
  }
  Options options;
  options.model_type = ModelType::kBpe;
  options.byte_fallback = true;
  options.add_dummy_prefix = true;
  options.remove_extra_whitespaces = false;
  options.bos_id = 1;
  options.eos_id = 2;
  return from_pieces(std::move(file.pieces), std::move(file.scores), std::move(types), std::move(options));
}

int32_t SentencePieceTokenizer::piece_to_id(std::string_view piece) const {
  return vocab_->piece_to_id(piece);
}

std::string SentencePieceTokenizer::normalize(std::string_view input) const {
  std::string out;
  normalize_aligned(input, &out, nullptr);
  return out;
}

void SentencePieceTokenizer::normalize_aligned(std::string_view input, std::string* out,
                                               std::vector<uint32_t>* to_orig) const {
  // sentencepiece's Normalizer::Normalize, with its norm_to_orig alignment.
  out->clear();
  if (to_orig) to_orig->clear();
  if (input.empty()) {
    if (to_orig) to_orig->push_back(0);
    return;
  }
  const SentencePieceVocab& vocab = *vocab_;
  // One normalized unit at the front of text: a user-defined piece verbatim,
  // else the longest charsmap rule, else one character (invalid -> U+FFFD).
  const auto prefix = [&](std::string_view text, std::string_view* unit) -> size_t {
    if (vocab.has_user_defined()) {
      const size_t len = vocab.match_user_defined(text);
      if (len > 0) {
        *unit = text.substr(0, len);
        return len;
      }
    }
    if (charsmap_) {
      const size_t len = charsmap_->match_prefix(text, unit);
      if (len > 0) return len;
    }
    bool valid;
    const size_t len = spm_utf8_char(text, &valid);
    *unit = valid ? text.substr(0, len) : kReplacementChar;
    return len;
  };
  uint32_t consumed = 0;
  const auto append = [&](std::string_view bytes) {
    out->append(bytes.data(), bytes.size());
    if (to_orig) to_orig->insert(to_orig->end(), bytes.size(), consumed);
  };
  const bool remove_extra = options_.remove_extra_whitespaces;
  const bool escape = options_.escape_whitespaces;
  if (remove_extra) {
    while (!input.empty()) {
      std::string_view unit;
      const size_t len = prefix(input, &unit);
      if (unit != " ") break;
      input.remove_prefix(len);
      consumed += (uint32_t)len;
    }
  }
  if (input.empty()) {  // all whitespace
    if (to_orig) to_orig->push_back(consumed);
    return;
  }
  out->reserve(input.size() * 3);
  const std::string_view space = escape ? kSpace : std::string_view(" ");
  if (options_.add_dummy_prefix) append(space);
  bool prev_space = remove_extra;
  while (!input.empty()) {
    std::string_view unit;
    const size_t len = prefix(input, &unit);
    while (prev_space && !unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    if (!unit.empty()) {
      for (size_t i = 0; i < unit.size(); ++i) {
        append(escape && unit[i] == ' ' ? kSpace : unit.substr(i, 1));
      }
      prev_space = unit.back() == ' ';
    }
    input.remove_prefix(len);
    consumed += (uint32_t)len;
    if (!remove_extra) prev_space = false;
  }
  if (remove_extra) {
    while (out->size() >= space.size() &&
           out->compare(out->size() - space.size(), space.size(), space) == 0) {
      const size_t length = out->size() - space.size();
      if (to_orig) {
        consumed = (*to_orig)[length];
        to_orig->resize(length);
      }
      out->resize(length);
    }
  }
  if (to_orig) to_orig->push_back(consumed);
}

std::vector<ModelToken> SentencePieceTokenizer::encode_with_offsets(std::string_view text) const {
  std::string normalized;
  std::vector<uint32_t> to_orig;
  normalize_aligned(text, &normalized, &to_orig);
  std::vector<ModelToken> tokens;
  model_->tokenize(normalized, &tokens);
  for (size_t i = 0; i < tokens.size(); ++i) {
    ModelToken& t = tokens[i];
    const uint32_t begin = to_orig[t.begin], end = to_orig[t.end];
    // Byte-fallback pieces of one character share its span; as in
    // sentencepiece, only the last one carries it, the others are empty.
    // (Segments never overlap, so an equal span means the same character.)
    const bool more_of_same = i + 1 < tokens.size() && tokens[i + 1].begin == t.begin &&
                              tokens[i + 1].end == t.end;
    t.begin = begin;
    t.end = more_of_same ? begin : end;
  }
  return tokens;
}

std::vector<int32_t> SentencePieceTokenizer::encode(std::string_view text, bool add_bos, bool add_eos) const {
  const std::string normalized = normalize(text);
  std::vector<ModelToken> tokens;
  model_->tokenize(normalized, &tokens);
  std::vector<int32_t> ids;
  ids.reserve(tokens.size() + 2);
  if (add_bos && bos_id_ >= 0) ids.push_back(bos_id_);
  for (const ModelToken& t : tokens) ids.push_back(t.id);
  if (add_eos && eos_id_ >= 0) ids.push_back(eos_id_);
  return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  const SentencePieceVocab& vocab = *vocab_;
  std::string text;
  std::string bytes;  // a run of byte pieces, decoded together
  const auto flush_bytes = [&]() {
    for (size_t pos = 0; pos < bytes.size();) {
      bool valid;
      const size_t len = spm_utf8_char(std::string_view(bytes).substr(pos), &valid);
      if (valid) {
        text.append(bytes, pos, len);
      } else {
        text.append(kReplacementChar);
      }
      pos += len;
    }
    bytes.clear();
  };
  // sentencepiece drops the "▁" of the first piece (the dummy prefix) while
  // nothing has been written yet, and with remove_extra_whitespaces keeps
  // dropping leading "▁" until text appears.
  bool expect_leading_space = true;
  bool leading_space_seen = false;
  const bool strip = options_.add_dummy_prefix || options_.remove_extra_whitespaces;
  for (const int32_t given_id : ids) {
    if (!vocab.contains(given_id)) {
      fail(ErrorCode::kInvalidArgument, "sentencepiece decode: id " + std::to_string(given_id) +
                                            " is outside the vocab of " + std::to_string(vocab.size()));
    }
    const int32_t id = vocab.decode_id(given_id);
    const SpmPieceType type = vocab.type(id);
    if (type == SpmPieceType::kByte) {
      bytes.push_back((char)vocab.byte_value(id));
      continue;
    }
    flush_bytes();
    if (leading_space_seen || !text.empty()) expect_leading_space = false;
    leading_space_seen = false;
    if (type == SpmPieceType::kControl) {
      if (!skip_special) text.append(vocab.piece(id));
    } else if (type == SpmPieceType::kUnknown) {
      text.append(options_.unk_surface);
    } else {
      std::string_view piece = vocab.piece(id);
      if (expect_leading_space && strip && piece.substr(0, kSpace.size()) == kSpace) {
        piece.remove_prefix(kSpace.size());
        leading_space_seen = !options_.remove_extra_whitespaces;
      }
      std::string decoded(piece);
      replace_all(&decoded, kSpace, " ");
      text.append(decoded);
    }
  }
  flush_bytes();
  return text;
}

std::string SentencePieceTokenizer::decode_token(int32_t prev_id, int32_t id) const {
  const SentencePieceVocab& vocab = *vocab_;
  if (!vocab.contains(id)) {
    fail(ErrorCode::kInvalidArgument, "sentencepiece decode_token: id " + std::to_string(id) +
                                          " is outside the vocab of " + std::to_string(vocab.size()));
  }
  switch (vocab.type(id)) {
    case SpmPieceType::kByte: return std::string(1, (char)vocab.byte_value(id));
    case SpmPieceType::kControl: return std::string();
    case SpmPieceType::kUnknown: return options_.unk_surface;
    default: break;
  }
  std::string piece = vocab.piece(id);
  replace_all(&piece, kSpace, " ");
  if (prev_id == bos_id_ && bos_id_ >= 0 && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
  return piece;
}

}  // namespace pf
