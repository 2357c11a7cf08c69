// llama2.c's tokenizer.bin through SentencePieceTokenizer::from_llama2c:
// parsing (and refusing broken files), round trips and streaming decode on
// the stories260K tokenizer. Exact ids against python sentencepiece are in
// test_sentencepiece_reference.cpp.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_helpers.h"
#include "tokenizers/llama2c_vocab.h"
#include "tokenizers/sentencepiece.h"

namespace {

std::string tok512_path() { return pf_test::fixtures_dir() + "/models/stories260K/tok512.bin"; }

void put_u32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back((uint8_t)(v >> (8 * i)));
}

void put_token(std::vector<uint8_t>* out, float score, const std::string& piece) {
  uint32_t bits;
  std::memcpy(&bits, &score, 4);
  put_u32(out, bits);
  put_u32(out, (uint32_t)piece.size());
  out->insert(out->end(), piece.begin(), piece.end());
}

// A tiny llama2.c vocab: unk, BOS, EOS, all 256 bytes, then BPE pieces.
std::vector<uint8_t> tiny_llama2c_file() {
  std::vector<uint8_t> file;
  put_u32(&file, 8);
  put_token(&file, 0, "<unk>");
  put_token(&file, 0, "\n<s>\n");
  put_token(&file, 0, "\n</s>\n");
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    put_token(&file, 0, buf);
  }
  // ids 259.. : pieces use spaces where sentencepiece has "▁", as the exporter writes them.
  const char* pieces[] = {" ", "h", "e", "l", "o", " h", "ll", "llo", " he", " hello", "w", "r", "d"};
  const float scores[] = {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13};
  for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); ++i) put_token(&file, scores[i], pieces[i]);
  return file;
}

}  // namespace

TEST_CASE("llama2.c vocab: parsing and bounds checks", "[sentencepiece][llama2c]") {
  const auto file = tiny_llama2c_file();
  const auto all = pf::parse_llama2c_vocab(file.data(), file.size(), 0);
  CHECK(all.max_token_length == 8);
  REQUIRE(all.pieces.size() == 3 + 256 + 13);
  CHECK(all.pieces[1] == "\n<s>\n");
  CHECK(all.pieces[259] == " ");
  CHECK(all.scores[271] == -13.0f);
  // A vocab_size from the checkpoint reads only that many tokens.
  CHECK(pf::parse_llama2c_vocab(file.data(), file.size(), 10).pieces.size() == 10);
  // Asking for more tokens than the file holds, truncation, bad lengths.
  CHECK_THROWS_AS(pf::parse_llama2c_vocab(file.data(), file.size(), 273), pf::Error);
  CHECK_THROWS_AS(pf::parse_llama2c_vocab(file.data(), file.size() - 1, 0), pf::Error);
  CHECK_THROWS_AS(pf::parse_llama2c_vocab(file.data(), 3, 0), pf::Error);
  CHECK_THROWS_AS(pf::parse_llama2c_vocab(file.data(), 4, 0), pf::Error);
  auto bad_len = file;
  bad_len[4 + 4 + 3] = 0x80;  // token 0's length becomes negative
  CHECK_THROWS_AS(pf::parse_llama2c_vocab(bad_len.data(), bad_len.size(), 0), pf::Error);
  auto huge_len = file;
  huge_len[4 + 4 + 2] = 0x7F;
  CHECK_THROWS_AS(pf::parse_llama2c_vocab(huge_len.data(), huge_len.size(), 0), pf::Error);
}

TEST_CASE("llama2.c vocab: score-ordered BPE merges, byte fallback, decode", "[sentencepiece][llama2c]") {
  const auto file = tiny_llama2c_file();
  const auto tok = pf::SentencePieceTokenizer::from_llama2c(file.data(), file.size(), 0);
  CHECK(tok.vocab_size() == 272);
  CHECK(tok.bos_id() == 1);
  CHECK(tok.eos_id() == 2);
  CHECK(tok.unk_id() == 0);
  CHECK(tok.id_to_piece(264) == "\xe2\x96\x81h");
  CHECK(tok.piece_to_id("\xe2\x96\x81hello") == 268);
  // "▁hello": ▁h (-6) merges first, then ll (-7), llo (-8), ▁he (-9), ▁hello (-10).
  CHECK(tok.encode("hello", false, false) == std::vector<int32_t>{268});
  // "w" "o" "r" "l" "d" have no merges; "!" falls back to its byte <0x21> = 3 + 0x21.
  CHECK(tok.encode("hello world!", true, true) ==
        std::vector<int32_t>{1, 268, 259, 269, 263, 270, 262, 271, 3 + 0x21, 2});
  CHECK(tok.encode("", true, false) == std::vector<int32_t>{1});
  // "é" is not in the vocab: two byte tokens.
  CHECK(tok.encode("\xc3\xa9", false, false) == std::vector<int32_t>{259, 3 + 0xC3, 3 + 0xA9});
  CHECK(tok.decode({1, 268, 259, 269, 263, 270, 262, 271, 3 + 0x21, 2}, true) == "hello world!");
  // Kept special pieces are written as text, so the first space stays.
  CHECK(tok.decode({1, 268, 2}, false) == "<s> hello</s>");
  CHECK(tok.piece_to_id("<s>") == 1);
  CHECK(tok.decode({259, 3 + 0xC3, 3 + 0xA9}, true) == "\xc3\xa9");
  // A lone continuation byte decodes to U+FFFD, as sentencepiece does.
  CHECK(tok.decode({3 + 0xA9, 260}, true) == "\xEF\xBF\xBDh");
  // Streaming: the space after BOS is dropped, bytes come out raw.
  CHECK(tok.decode_token(1, 268) == "hello");
  CHECK(tok.decode_token(268, 268) == " hello");
  CHECK(tok.decode_token(268, 3 + 0xC3) == "\xc3");
  CHECK(tok.decode_token(268, 2) == "");
  CHECK_THROWS_AS(tok.decode({272}, true), pf::Error);
  CHECK_THROWS_AS(tok.decode_token(1, -1), pf::Error);
}

TEST_CASE("llama2.c vocab: stories260K tok512.bin round trips and streams", "[sentencepiece][llama2c]") {
  if (!pf_test::file_exists(tok512_path())) {
    WARN("skipping: " << tok512_path() << " not found (../shared/fixtures)");
    return;
  }
  const auto bytes = pf_test::read_bytes(tok512_path());
  const auto tok = pf::SentencePieceTokenizer::from_llama2c(bytes.data(), bytes.size(), 512);
  const auto inferred = pf::SentencePieceTokenizer::from_llama2c(bytes.data(), bytes.size(), 0);
  REQUIRE(tok.vocab_size() == 512);
  REQUIRE(inferred.vocab_size() == 512);
  CHECK(tok.id_to_piece(3) == "<0x00>");
  CHECK(tok.piece_type(3 + 0x0A) == pf::SpmPieceType::kByte);

  const std::string golden = pf_test::read_text(pf_test::fixtures_dir() + "/models/stories260K/golden_check.txt");
  const std::vector<std::string> texts = {
      golden,
      "Once upon a time, there was a little girl named Lily.",
      "  two leading spaces, tabs\tand\nnewlines\n\n",
      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\xa6\x99 emoji",
      "",
  };
  for (const std::string& text : texts) {
    INFO("text: " << text);
    const auto ids = tok.encode(text, true, false);
    REQUIRE(!ids.empty());
    CHECK(ids[0] == 1);
    CHECK(tok.decode(ids, true) == text);
    CHECK(inferred.encode(text, true, false) == ids);
    // Streaming decode from BOS reproduces the text byte for byte.
    std::string streamed;
    for (size_t i = 1; i < ids.size(); ++i) streamed += tok.decode_token(ids[i - 1], ids[i]);
    CHECK(streamed == text);
  }
  // A few merges a 512-piece TinyStories vocab certainly has.
  const auto once = tok.encode("Once upon a time", false, false);
  CHECK(once.size() < 10);
  CHECK(tok.decode(once, true) == "Once upon a time");
}
