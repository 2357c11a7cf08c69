// The ModelProto reader (our protobuf wire-format decoder), the precompiled
// charsmap, and SentencePieceTokenizer's normalizer options on hand-made
// .model bytes; hostile bytes must fail with pf::Error, never crash.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/error.h"
#include "test_helpers.h"
#include "tokenizers/precompiled_charsmap.h"
#include "tokenizers/sentencepiece.h"
#include "tokenizers/sentencepiece_model.h"

namespace {

const std::string kSp = "\xe2\x96\x81";  // "▁"

std::string varint(uint64_t v) {
  std::string out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back((char)(v ? b | 0x80 : b));
  } while (v);
  return out;
}
std::string field_varint(int num, int64_t v) { return varint((uint64_t)num << 3) + varint((uint64_t)v); }
std::string field_bytes(int num, const std::string& payload) {
  return varint(((uint64_t)num << 3) | 2) + varint(payload.size()) + payload;
}
std::string field_float(int num, float f) {
  std::string out = varint(((uint64_t)num << 3) | 5);
  out.append(reinterpret_cast<const char*>(&f), 4);
  return out;
}
std::string piece(const std::string& text, float score, int type) {
  return field_bytes(1, field_bytes(1, text) + field_float(2, score) + (type != 1 ? field_varint(3, type) : ""));
}

// A small BPE model: <unk> <s> </s> ▁ a b ab ▁ab, then trainer and normalizer specs.
std::string small_model(int model_type = 2, bool remove_extra = true, bool dummy_prefix = true) {
  std::string m = piece("<unk>", 0, 2) + piece("<s>", 0, 3) + piece("</s>", 0, 3) + piece(kSp, -1, 1) +
                  piece("a", -2, 1) + piece("b", -3, 1) + piece("ab", -4, 1) + piece(kSp + "ab", -5, 1);
  // Unknown fields of every wire type the reader must skip.
  m += field_varint(99, 7) + varint((100u << 3) | 1) + std::string(8, 'x') + varint((101u << 3) | 5) + "yyyy" +
       field_bytes(102, "zz");
  m += field_bytes(2, field_varint(3, model_type) + field_varint(40, 0) + field_varint(41, 1) +
                          field_varint(42, 2) + field_varint(43, -1) + field_bytes(1, "corpus.txt"));
  m += field_bytes(3, field_bytes(1, "identity") + field_varint(3, dummy_prefix) +
                          field_varint(4, remove_extra) + field_varint(5, 1));
  return m;
}

pf::SentencePieceModelProto parse(const std::string& bytes) {
  return pf::parse_sentencepiece_model(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

pf::SentencePieceTokenizer load(const std::string& bytes) {
  return pf::SentencePieceTokenizer::from_model_proto(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                      bytes.size());
}

}  // namespace

TEST_CASE("ModelProto reader: fields, defaults and skipped fields", "[sentencepiece][proto]") {
  const auto m = parse(small_model());
  REQUIRE(m.pieces.size() == 8);
  CHECK(m.pieces[0].piece == "<unk>");
  CHECK(m.pieces[0].type == 2);
  CHECK(m.pieces[4].piece == "a");
  CHECK(m.pieces[4].score == -2.0f);
  CHECK(m.pieces[4].type == 1);
  CHECK(m.model_type == 2);
  CHECK(m.pad_id == -1);
  CHECK(m.normalizer_name == "identity");
  CHECK(m.remove_extra_whitespaces);
  CHECK(m.precompiled_charsmap.empty());
  CHECK(m.unk_surface == " \xE2\x81\x87 ");
  // A piece without a type is NORMAL; specs absent keep proto defaults.
  const auto bare = parse(piece("<unk>", 0, 2) + field_bytes(1, field_bytes(1, "x")));
  CHECK(bare.pieces[1].type == 1);
  CHECK(bare.model_type == 1);
  CHECK(bare.add_dummy_prefix);
  CHECK(bare.remove_extra_whitespaces);
}

TEST_CASE("ModelProto reader: malformed bytes fail cleanly", "[sentencepiece][proto]") {
  const auto fails = [](const std::string& bytes) {
    CHECK_THROWS_AS(parse(bytes), pf::Error);
  };
  fails("");                                              // no pieces
  fails(std::string("\x0a", 1));                          // tag, no length
  fails(std::string("\x0a\x05" "ab", 4));                 // length past the end
  fails(std::string("\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11));  // huge length
  fails(std::string(11, '\xff'));                         // varint over 10 bytes
  fails(std::string("\x0b", 1));                          // wire type 3 (group)
  fails(std::string("\x00\x01", 2));                      // field number 0
  fails(field_varint(1, 5));                              // pieces as a varint
  fails(field_bytes(1, field_varint(1, 3)));              // piece text as a varint
  fails(field_bytes(1, field_bytes(1, "a") + varint((2u << 3) | 5) + "ab"));  // truncated float
  // Every truncation of a valid file either parses or throws pf::Error.
  const std::string good = small_model();
  size_t parsed = 0;
  for (size_t n = 0; n < good.size(); ++n) {
    try {
      parse(good.substr(0, n));
      ++parsed;
    } catch (const pf::Error&) {
    }
  }
  CHECK(parsed > 0);
  // Single-byte corruptions too, through the whole tokenizer.
  for (size_t i = 0; i < good.size(); ++i) {
    for (const int value : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
      std::string bad = good;
      bad[i] = (char)value;
      try {
        const auto tok = load(bad);
        tok.decode(tok.encode("ab ab\xc3\xa9 b", true, true), false);
      } catch (const pf::Error&) {
      }
    }
  }
}

TEST_CASE("SentencePiece: normalizer options from the model", "[sentencepiece][proto]") {
  const auto tok = load(small_model());
  CHECK(tok.options().model_type == pf::SentencePieceTokenizer::ModelType::kBpe);
  CHECK(tok.normalize("  ab   b  ") == kSp + "ab" + kSp + "b");
  CHECK(tok.normalize("   ").empty());
  CHECK(tok.encode("  ab   b  ", true, true) == std::vector<int32_t>{1, 7, 3, 5, 2});
  CHECK(tok.decode({1, 7, 3, 5, 2}, true) == "ab b");
  // remove_extra_whitespaces drops every leading "▁" until text appears.
  CHECK(tok.decode({3, 3, 7}, true) == "ab");

  const auto keep = load(small_model(2, false, true));
  CHECK(keep.normalize(" ab  ") == kSp + kSp + "ab" + kSp + kSp);
  CHECK(keep.decode({3, 3, 7}, true) == "  ab");  // only the first "▁" is the dummy prefix
  const auto no_prefix = load(small_model(2, false, false));
  CHECK(no_prefix.normalize("ab b") == "ab" + kSp + "b");
  CHECK(no_prefix.decode({7}, true) == " ab");
  // Invalid UTF-8 becomes U+FFFD (unknown here, so one unk).
  CHECK(tok.normalize("a\xff") == kSp + "a\xEF\xBF\xBD");
  CHECK(tok.encode("a\xff", false, false) == std::vector<int32_t>{3, 4, 0});
  CHECK(tok.decode({0}, true) == " \xE2\x81\x87 ");
  // Offsets: the dummy "▁" covers nothing; the invalid byte covers itself.
  const auto spans = tok.encode_with_offsets("a\xff");
  REQUIRE(spans.size() == 3);
  CHECK((spans[0].begin == 0 && spans[0].end == 0));
  CHECK((spans[1].begin == 0 && spans[1].end == 1));
  CHECK((spans[2].id == 0 && spans[2].begin == 1 && spans[2].end == 2));
  std::string normalized;
  std::vector<uint32_t> to_orig;
  tok.normalize_aligned("  ab   b  ", &normalized, &to_orig);
  CHECK(normalized == kSp + "ab" + kSp + "b");
  CHECK(to_orig == std::vector<uint32_t>{2, 2, 2, 2, 3, 4, 4, 4, 7, 8});
  CHECK_THROWS_AS(load(small_model(3)), pf::Error);  // WORD models
  try {
    load(small_model(4));
    FAIL("CHAR model accepted");
  } catch (const pf::Error& e) {
    CHECK(e.code() == pf::ErrorCode::kUnsupported);
  }
}

TEST_CASE("Precompiled charsmap: nmt_nfkc rules of test_model.model", "[sentencepiece][charsmap]") {
  const std::string path = pf_test::fixtures_dir() + "/tokenizers/sentencepiece/test_model.model";
  if (!pf_test::file_exists(path)) {
    WARN("skipping: " << path << " not found");
    return;
  }
  const auto bytes = pf_test::read_bytes(path);
  const auto proto = pf::parse_sentencepiece_model(bytes.data(), bytes.size());
  REQUIRE(!proto.precompiled_charsmap.empty());
  const auto map = pf::PrecompiledCharsmap::parse(
      reinterpret_cast<const uint8_t*>(proto.precompiled_charsmap.data()), proto.precompiled_charsmap.size());
  std::string out;
  std::vector<uint32_t> to_orig;
  // Full-width letters and a circled digit fold to ASCII; each output byte
  // points back at the input character it came from.
  map.normalize("\xEF\xBC\xA1\xEF\xBC\xA2x\xE2\x91\xA0", &out, &to_orig);
  CHECK(out == "ABx1");
  CHECK(to_orig == std::vector<uint32_t>{0, 3, 6, 7, 10});
  std::string_view replacement;
  CHECK(map.match_prefix("\xEF\xBC\xA1rest", &replacement) == 3);
  CHECK(replacement == "A");
  CHECK(map.match_prefix("abc", &replacement) == 0);
  // Invalid bytes become U+FFFD, one per byte.
  map.normalize("\xff", &out, nullptr);
  CHECK(out == "\xEF\xBF\xBD");

  const uint8_t short_blob[] = {1, 0, 0, 0};
  CHECK_THROWS_AS(pf::PrecompiledCharsmap::parse(short_blob, sizeof short_blob), pf::Error);
  const uint8_t oversized[] = {0xff, 0, 0, 0, 1, 2, 3, 4};
  CHECK_THROWS_AS(pf::PrecompiledCharsmap::parse(oversized, sizeof oversized), pf::Error);
  const uint8_t unaligned[] = {3, 0, 0, 0, 1, 2, 3, 4};
  CHECK_THROWS_AS(pf::PrecompiledCharsmap::parse(unaligned, sizeof unaligned), pf::Error);
  // A trie whose links point anywhere must not read out of bounds.
  const uint8_t garbage[] = {8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x61, 0x01, 0x00, 0x80, 'x', 0};
  const auto wild = pf::PrecompiledCharsmap::parse(garbage, sizeof garbage);
  wild.normalize("abc\xff\x61\x62", &out, &to_orig);
  CHECK(to_orig.size() == out.size() + 1);
}

TEST_CASE("Precompiled charsmap: Hugging Face's grapheme-wise variant", "[sentencepiece][charsmap]") {
  const std::string path = pf_test::fixtures_dir() + "/tokenizers/sentencepiece/test_model.model";
  if (!pf_test::file_exists(path)) {
    WARN("skipping: " << path << " not found");
    return;
  }
  const auto bytes = pf_test::read_bytes(path);
  const auto proto = pf::parse_sentencepiece_model(bytes.data(), bytes.size());
  const auto map = pf::PrecompiledCharsmap::parse(
      reinterpret_cast<const uint8_t*>(proto.precompiled_charsmap.data()), proto.precompiled_charsmap.size());
  std::string out;
  std::vector<uint32_t> to_orig;
  std::string_view replacement;
  CHECK(map.match_first("\xEF\xBC\xA1", &replacement) == 3);
  CHECK(replacement == "A");
  // Where every cluster is one character with a one-character rule, both
  // variants agree.
  for (const std::string text : {"\xEF\xBC\xA1\xEF\xBC\xA2x\xE2\x91\xA0", "plain ascii", "\xE3\x80\x80\xEF\xBD\x9E"}) {
    std::string spm_out;
    std::vector<uint32_t> spm_to_orig;
    map.normalize(text, &spm_out, &spm_to_orig);
    map.normalize_hf(text, &out, &to_orig);
    CHECK(out == spm_out);
    CHECK(to_orig == spm_to_orig);
  }
  // "e" + combining acute is one cluster of 3 bytes: replaced whole by the
  // rule for it (NFKC composes it), aligned to the cluster's start.
  map.normalize("e\xCC\x81!", &out, nullptr);
  const std::string composed = out;
  map.normalize_hf("e\xCC\x81!", &out, &to_orig);
  CHECK(out == composed);
  CHECK(to_orig.front() == 0);
  CHECK(to_orig.back() == 4);
  map.normalize_hf("a\xff", &out, &to_orig);
  CHECK(out == "a\xEF\xBF\xBD");
  CHECK(to_orig == std::vector<uint32_t>{0, 1, 1, 1, 2});
}
