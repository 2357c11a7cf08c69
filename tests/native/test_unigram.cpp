// The Unigram model on a hand-made vocab: best total score, tie-breaking,
// the unk penalty, unk fusion, byte fallback, user-defined and unused
// pieces, and token offsets. (Agreement with python sentencepiece on real
// models is in test_sentencepiece_reference.cpp.)
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "tokenizers/unigram.h"

namespace {

const std::string kSp = "\xe2\x96\x81";  // "▁"

struct Vocab {
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<int32_t> types;
  int32_t add(const std::string& piece, float score, pf::SpmPieceType type = pf::SpmPieceType::kNormal) {
    pieces.push_back(piece);
    scores.push_back(score);
    types.push_back((int32_t)type);
    return (int32_t)pieces.size() - 1;
  }
  std::shared_ptr<const pf::SentencePieceVocab> build() const {
    return std::make_shared<const pf::SentencePieceVocab>(pieces, scores, types);
  }
};

std::vector<int32_t> ids_of(const std::vector<pf::ModelToken>& tokens) {
  std::vector<int32_t> ids;
  for (const auto& t : tokens) ids.push_back(t.id);
  return ids;
}

std::vector<pf::ModelToken> run(const pf::UnigramModel& model, const std::string& text) {
  std::vector<pf::ModelToken> out;
  model.tokenize(text, &out);
  return out;
}

}  // namespace

TEST_CASE("Unigram: Viterbi picks the best total score", "[unigram]") {
  Vocab v;
  const int32_t unk = v.add("<unk>", 0, pf::SpmPieceType::kUnknown);
  v.add("<s>", 0, pf::SpmPieceType::kControl);
  const int32_t sp = v.add(kSp, -1);
  const int32_t a = v.add("a", -2);
  const int32_t b = v.add("b", -2.5f);
  const int32_t ab = v.add("ab", -2);
  const int32_t sp_ab = v.add(kSp + "ab", -3);
  const int32_t c = v.add("c", -4);
  const int32_t abc = v.add("abc", -5);
  const int32_t p = v.add("p", -1), q = v.add("q", -1), pq = v.add("pq", -2);
  const pf::UnigramModel model(v.build(), false);

  // ▁ab + c = -7 loses to ▁ + abc = -6.
  CHECK(ids_of(run(model, kSp + "abc")) == std::vector<int32_t>{sp, abc});
  // ▁ab (-3) beats ▁ + ab (-3 too: a tie keeps the piece that starts earliest).
  CHECK(ids_of(run(model, kSp + "ab")) == std::vector<int32_t>{sp_ab});
  CHECK(ids_of(run(model, "ba")) == std::vector<int32_t>{b, a});
  // pq (-2) and p + q (-2) tie: the longer last piece, found first, stays.
  CHECK(ids_of(run(model, "pq")) == std::vector<int32_t>{pq});
  (void)ab;
  (void)c;
  (void)p;
  (void)q;

  // Unknown characters: one unk each, and adjacent unks fuse into one token
  // spanning them (sentencepiece merges runs of unknowns).
  const auto tokens = run(model, "a\xc3\xa9x" + kSp);
  REQUIRE(tokens.size() == 3);
  CHECK(tokens[0].id == a);
  CHECK(tokens[1].id == unk);
  CHECK(tokens[1].begin == 1);
  CHECK(tokens[1].end == 4);
  CHECK(tokens[2].id == sp);
  CHECK(tokens[2].begin == 4);
  CHECK(tokens[2].end == 7);
  CHECK(run(model, "").empty());
}

TEST_CASE("Unigram: the unk penalty is min score - 10", "[unigram]") {
  // "xy" as one piece scores min = -20; x + unk(y) scores s_x + (-20 - 10).
  // So the unknown path wins exactly when s_x > 10.
  for (const float s_x : {10.5f, 9.5f}) {
    Vocab v;
    const int32_t unk = v.add("<unk>", 0, pf::SpmPieceType::kUnknown);
    const int32_t x = v.add("x", s_x);
    const int32_t xy = v.add("xy", -20);
    const pf::UnigramModel model(v.build(), false);
    INFO("score of x: " << s_x);
    CHECK(ids_of(run(model, "xy")) == (s_x > 10 ? std::vector<int32_t>{x, unk} : std::vector<int32_t>{xy}));
  }
}

TEST_CASE("Unigram: byte fallback, user-defined and unused pieces", "[unigram]") {
  Vocab v;
  const int32_t unk = v.add("<unk>", 0, pf::SpmPieceType::kUnknown);
  const int32_t sp = v.add(kSp, -1);
  const int32_t h = v.add("h", -3), i = v.add("i", -3);
  const int32_t hi = v.add("hi", -1, pf::SpmPieceType::kUnused);  // never produced
  const int32_t user = v.add("hi!", 0, pf::SpmPieceType::kUserDefined);
  const int32_t b_c3 = v.add("<0xC3>", 0, pf::SpmPieceType::kByte);
  const int32_t b_a9 = v.add("<0xA9>", 0, pf::SpmPieceType::kByte);
  const auto vocab = v.build();
  CHECK(vocab->byte_piece_id(0xC3) == b_c3);
  CHECK(vocab->piece_to_id("<0xA9>") == b_a9);
  CHECK(vocab->find_mergeable("<0xA9>") == -1);
  const pf::UnigramModel with_bytes(vocab, true);
  const pf::UnigramModel without(vocab, false);
  CHECK(ids_of(run(without, "hi")) == std::vector<int32_t>{h, i});
  CHECK(ids_of(run(without, kSp + "hi!hi")) == std::vector<int32_t>{sp, user, h, i});
  // "é" = C3 A9 has no piece: bytes with fallback (a missing byte -> unk), else one unk.
  CHECK(ids_of(run(with_bytes, "\xc3\xa9h")) == std::vector<int32_t>{b_c3, b_a9, h});
  CHECK(ids_of(run(with_bytes, "\xc3\xa8")) == std::vector<int32_t>{b_c3, unk});
  CHECK(ids_of(run(without, "\xc3\xa9h")) == std::vector<int32_t>{unk, h});
  const auto bytes = run(with_bytes, "h\xc3\xa9");
  REQUIRE(bytes.size() == 3);
  CHECK(bytes[1].begin == 1);
  CHECK(bytes[1].end == 3);
  CHECK(bytes[2].begin == 1);
  CHECK(bytes[2].end == 3);
  (void)hi;
}

TEST_CASE("SentencePiece vocab: malformed piece tables are refused", "[unigram][sentencepiece]") {
  using V = pf::SentencePieceVocab;
  CHECK_THROWS_AS(V({"<unk>", "a"}, {0}, {2, 1}), pf::Error);
  CHECK_THROWS_AS(V({"a", "b"}, {0, 0}, {1, 1}), pf::Error);             // no unk
  CHECK_THROWS_AS(V({"<unk>", "<u2>"}, {0, 0}, {2, 2}), pf::Error);      // two unks
  CHECK_THROWS_AS(V({"<unk>", "a", "a"}, {0, 0, 0}, {2, 1, 1}), pf::Error);  // duplicate
  CHECK_THROWS_AS(V({"<unk>", ""}, {0, 0}, {2, 1}), pf::Error);          // empty piece
  CHECK_THROWS_AS(V({"<unk>", "a"}, {0, 0}, {2, 9}), pf::Error);         // bad type
  CHECK_THROWS_AS(V({"<unk>", "<0xZZ>"}, {0, 0}, {2, 6}), pf::Error);    // bad byte piece
  CHECK_THROWS_AS(V({}, {}, {}), pf::Error);
  // The same text may be both a control piece and a normal one, as in sentencepiece.
  // The same text may be both a control piece and a normal one, as in
  // sentencepiece; decoding treats the normal one as the control one.
  const V dup({"<unk>", "<s>", "<s>"}, {0, 0, 0}, {2, 3, 1});
  CHECK(dup.decode_id(2) == 1);
  CHECK(dup.decode_id(0) == 0);
  CHECK(dup.piece_to_id("<s>") == 1);
  CHECK(dup.find_mergeable("<s>") == 2);
}

TEST_CASE("Unigram: the Hugging Face flavour takes the unk score from every piece", "[unigram]") {
  // unk's own score (-100) is below every normal piece: Hugging Face's unk
  // score becomes -110, sentencepiece's stays min(normal) - 10 = -30.
  Vocab v;
  const int32_t unk = v.add("<unk>", -100, pf::SpmPieceType::kUnknown);
  const int32_t x = v.add("x", 15);
  const int32_t xy = v.add("xy", -20);
  const auto vocab = v.build();
  const pf::UnigramModel spm(vocab, false);
  const pf::UnigramModel hf(vocab, false, pf::UnigramModel::Flavor::kHuggingFace);
  // "xy" = xy (-20) or x + unk(y): 15 - 30 = -15 for sentencepiece (wins),
  // 15 - 110 = -95 for Hugging Face (loses).
  CHECK(ids_of(run(spm, "xy")) == std::vector<int32_t>{x, unk});
  CHECK(ids_of(run(hf, "xy")) == std::vector<int32_t>{xy});
}
