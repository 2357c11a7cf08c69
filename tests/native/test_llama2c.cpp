// llama2.c checkpoint reader and the Llama decoder on Karpathy's
// stories260K (../shared/fixtures/models/stories260K).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "formats/llama2c.h"
#include "kernels/runtime.h"
#include "models/llama.h"
#include "tasks/text_generation.h"
#include "test_helpers.h"
#include "tokenizers/sentencepiece.h"

namespace {

std::string stories_path() {
  return pf_test::fixtures_dir() + "/models/stories260K/stories260K.bin";
}

int32_t argmax(const std::vector<float>& v) {
  return (int32_t)(std::max_element(v.begin(), v.end()) - v.begin());
}

// Greedy decoding from BOS as llama2.c's run.c does with temperature 0:
// `steps` forward passes, stopping early if BOS comes out.
std::vector<int32_t> greedy(pf::LlamaModel& model, size_t steps) {
  std::vector<int32_t> out;
  int32_t token = 1;
  for (size_t pos = 0; pos < steps; ++pos) {
    const int32_t next = argmax(model.forward(&token, 1, pos));
    if (next == 1) break;
    out.push_back(next);
    token = next;
  }
  return out;
}

size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

void put_i32(std::vector<uint8_t>& bytes, size_t index, int32_t value) {
  std::memcpy(bytes.data() + 4 * index, &value, 4);
}

}  // namespace

TEST_CASE("llama2.c header of stories260K", "[llama2c]") {
  if (!pf_test::file_exists(stories_path())) {
    WARN("skipped: " << stories_path() << " absent (see ../shared/fixtures/README.md)");
    return;
  }
  const auto bytes = pf_test::read_bytes(stories_path());
  const auto ckpt = pf::Llama2cCheckpoint::parse(bytes.data(), bytes.size());
  const pf::DecoderConfig& c = ckpt.config();
  CHECK(c.dim == 64);
  CHECK(c.hidden_dim == 172);
  CHECK(c.n_layers == 5);
  CHECK(c.n_heads == 8);
  CHECK(c.n_kv_heads == 4);
  CHECK(c.vocab_size == 512);
  CHECK(c.max_context == 512);
  CHECK(c.head_dim == 8);
  CHECK(c.rope_layout == pf::RopeLayout::kInterleaved);
  CHECK(pf::Llama2cCheckpoint::parse(bytes.data(), bytes.size(), 100).config().max_context == 100);
}

TEST_CASE("stories260K: greedy decoding reproduces llama2.c's golden text", "[llama2c]") {
  const std::string dir = pf_test::fixtures_dir() + "/models/stories260K";
  if (!pf_test::file_exists(stories_path())) {
    WARN("skipped: " << stories_path() << " absent (see ../shared/fixtures/README.md)");
    return;
  }
  const auto bytes = pf_test::read_bytes(stories_path());
  const auto tok_bytes = pf_test::read_bytes(dir + "/tok512.bin");
  const std::string golden = pf_test::read_text(dir + "/golden_check.txt");
  const auto ckpt = pf::Llama2cCheckpoint::parse(bytes.data(), bytes.size());
  const auto tokenizer = pf::SentencePieceTokenizer::from_llama2c(
      tok_bytes.data(), tok_bytes.size(), (size_t)ckpt.config().vocab_size);
  const size_t threads = GENERATE(1, 2);
  pf::set_num_threads(threads);
  auto model = pf::LlamaModel::load(ckpt.config(), ckpt);
  // run.c -t 0 -n 200: 200 steps from BOS, each printed with decode(prev, next).
  const auto ids = greedy(*model, 200);
  std::string text;
  int32_t prev = 1;
  for (int32_t id : ids) {
    text += tokenizer.decode_token(prev, id);
    prev = id;
  }
  size_t first_diff = 0;
  while (first_diff < text.size() && first_diff < golden.size() &&
         text[first_diff] == golden[first_diff]) {
    ++first_diff;
  }
  INFO("threads " << threads << "; first difference at byte " << first_diff << ": got '"
                  << text.substr(first_diff, 40) << "' want '" << golden.substr(first_diff, 40)
                  << "'");
  CHECK(ids.size() == 200);
  REQUIRE(text == golden);
  pf::set_num_threads(1);
}

TEST_CASE("stories260K: prefill equals token-by-token decode; context limit; reset",
          "[llama2c]") {
  if (!pf_test::file_exists(stories_path())) {
    WARN("skipped: " << stories_path() << " absent");
    return;
  }
  const auto bytes = pf_test::read_bytes(stories_path());
  const auto ckpt = pf::Llama2cCheckpoint::parse(bytes.data(), bytes.size(), /*max_context=*/40);
  auto model = pf::LlamaModel::load(ckpt.config(), ckpt);
  const std::vector<int32_t> ids = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421};
  std::vector<float> decoded;
  for (size_t i = 0; i < ids.size(); ++i) decoded = model->forward(&ids[i], 1, i);
  model->reset();
  const std::vector<float> prefilled = model->forward(ids.data(), ids.size(), 0);
  float err = 0.f;
  for (size_t i = 0; i < decoded.size(); ++i) err = std::max(err, std::fabs(decoded[i] - prefilled[i]));
  CHECK(err <= 1e-5f);

  // Rewind: recomputing the last token from its position gives the same.
  const std::vector<float> again = model->forward(&ids.back(), 1, ids.size() - 1);
  err = 0.f;
  for (size_t i = 0; i < again.size(); ++i) err = std::max(err, std::fabs(again[i] - prefilled[i]));
  CHECK(err <= 1e-5f);

  // Past the cached tokens, out-of-vocabulary ids, empty input.
  const int32_t t = 5, bad_id = 512, neg_id = -1;
  CHECK_THROWS_AS(model->forward(&t, 1, ids.size() + 1), pf::Error);
  CHECK_THROWS_AS(model->forward(&bad_id, 1, ids.size()), pf::Error);
  CHECK_THROWS_AS(model->forward(&neg_id, 1, ids.size()), pf::Error);
  CHECK_THROWS_AS(model->forward(&t, 0, 0), pf::Error);

  // Fill to the 40-token limit; the 41st token is refused with a clear error.
  model->reset();
  std::vector<int32_t> fill(40, 300);
  model->forward(fill.data(), fill.size(), 0);
  try {
    model->forward(&t, 1, 40);
    FAIL("forward past max_context did not throw");
  } catch (const pf::Error& e) {
    CHECK(e.code() == pf::ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find("context full (40 tokens)") != std::string::npos);
  }
  CHECK_THROWS_AS(model->forward(fill.data(), 41, 0), pf::Error);
  CHECK(model->cached_tokens() == 40);
}

TEST_CASE("stories260K: int8 and 4-bit greedy agreement with f32; speed", "[llama2c]") {
  if (!pf_test::file_exists(stories_path())) {
    WARN("skipped: " << stories_path() << " absent");
    return;
  }
  const auto bytes = pf_test::read_bytes(stories_path());
  const auto ckpt = pf::Llama2cCheckpoint::parse(bytes.data(), bytes.size());
  pf::set_num_threads(1);
  auto f32 = pf::LlamaModel::load(ckpt.config(), ckpt, pf::WeightFormat::kF32);
  const auto t0 = std::chrono::steady_clock::now();
  const auto want = greedy(*f32, 200);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(want.size() == 200);
  WARN("stories260K f32 greedy, 1 thread: " << 200 / seconds << " tokens/s");
  {
    // Reported only: with dim 64 every op is tiny, so the pool's wake-ups
    // dominate when threads > 1.
    pf::set_num_threads(2);
    f32->reset();
    const auto t1 = std::chrono::steady_clock::now();
    CHECK(greedy(*f32, 200) == want);
    WARN("stories260K f32 greedy, 2 threads: "
         << 200 / std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count()
         << " tokens/s");
    pf::set_num_threads(1);
  }

  auto int8 = pf::LlamaModel::load(ckpt.config(), ckpt, pf::WeightFormat::kInt8);
  auto int4 = pf::LlamaModel::load(ckpt.config(), ckpt, pf::WeightFormat::kInt4);
  const size_t int8_prefix = common_prefix(greedy(*int8, 200), want);
  const size_t int4_prefix = common_prefix(greedy(*int4, 200), want);
  WARN("stories260K greedy tokens identical to f32 before the first difference: int8 "
       << int8_prefix << "/200, 4-bit " << int4_prefix << "/200");
  // Measured: 61 on native and wasm (4-bit: 9, too lossy at dim 64 to bound).
  CHECK(int8_prefix >= 40);
}

TEST_CASE("llama2.c reader rejects malformed checkpoints", "[llama2c]") {
  // A well-formed tiny checkpoint: dim 8, hidden 12, 1 layer, 2 heads, 1 KV
  // head, vocab 5 (shared classifier), seq_len 4.
  const int32_t dim = 8, hidden = 12, heads = 2, kv = 1, vocab = 5, seq = 4;
  const size_t kv_dim = dim / heads * kv, head = dim / heads;
  const size_t floats = vocab * dim + dim + dim * dim + 2 * kv_dim * dim + dim * dim + dim +
                        3 * hidden * dim + dim + seq * head;
  std::vector<uint8_t> good(28 + 4 * floats, 0);
  const int32_t header[7] = {dim, hidden, 1, heads, kv, vocab, seq};
  for (int i = 0; i < 7; ++i) put_i32(good, i, header[i]);
  // All-zero weights: a valid, if useless, model whose forward is finite.
  {
    const auto ckpt = pf::Llama2cCheckpoint::parse(good.data(), good.size());
    CHECK(ckpt.config().tied_embeddings);
    auto model = pf::LlamaModel::load(ckpt.config(), ckpt);
    const int32_t t = 3;
    const auto logits = model->forward(&t, 1, 0);
    CHECK(logits.size() == 5);
  }
  auto expect = [](const std::vector<uint8_t>& bytes, pf::ErrorCode code, const char* what) {
    INFO(what);
    try {
      pf::Llama2cCheckpoint::parse(bytes.data(), bytes.size());
      FAIL("accepted");
    } catch (const pf::Error& e) {
      INFO(e.what());
      CHECK(e.code() == code);
    }
  };
  const auto corrupt = pf::ErrorCode::kCorruptModel;
  expect({}, corrupt, "empty");
  expect(std::vector<uint8_t>(good.begin(), good.begin() + 27), corrupt, "short header");
  expect(std::vector<uint8_t>(good.begin(), good.end() - 4), corrupt, "truncated");
  {
    auto b = good;
    b.push_back(0);
    expect(b, corrupt, "trailing byte");
  }
  {
    auto b = good;
    put_i32(b, 5, -vocab);  // unshared classifier, which the file lacks
    expect(b, corrupt, "missing wcls");
  }
  const std::vector<std::pair<int, int32_t>> bad_fields = {
      {0, 0}, {0, -8}, {0, 7}, {1, 0}, {1, -1}, {2, 0}, {2, 100000}, {3, 0}, {3, 3}, {3, -2},
      {4, 0}, {4, 3}, {4, 4}, {5, 0}, {5, INT32_MIN}, {6, 0}, {6, -4}, {0, INT32_MAX},
      {1, INT32_MAX}, {6, INT32_MAX}};
  for (auto [field, value] : bad_fields) {
    auto b = good;
    put_i32(b, field, value);
    INFO("header field " << field << " = " << value);
    expect(b, corrupt, "bad header field");
  }
  {
    auto b = good;
    put_i32(b, 0, 0x616b3432);  // "ak42": llama2.c export v1/v2
    expect(b, pf::ErrorCode::kUnsupported, "versioned export");
  }
}

TEST_CASE("TextGeneration: llama2.c model + tokenizer from a text prompt", "[llama2c]") {
  const std::string dir = pf_test::fixtures_dir() + "/models/stories260K";
  if (!pf_test::file_exists(stories_path())) {
    WARN("skipped: " << stories_path() << " absent");
    return;
  }
  const auto bytes = pf_test::read_bytes(stories_path());
  const auto tok = pf_test::read_bytes(dir + "/tok512.bin");
  const std::string golden = pf_test::read_text(dir + "/golden_check.txt");
  auto t = pf::TextGeneration::load_llama2c(bytes.data(), bytes.size(), tok.data(), tok.size(),
                                            pf::WeightFormat::kF32);
  // The golden story opens with "Once upon a time"; prompting with it must
  // continue exactly as the unprompted greedy run did.
  const std::string opening = "Once upon a time";
  const auto prompt = t->tokenizer().encode(opening, /*add_special=*/true);
  REQUIRE(prompt.front() == 1);
  pf::GenerationOptions options = t->default_options();
  options.sampling.temperature = 0.f;
  options.max_new_tokens = 200 - (prompt.size() - 1);
  const auto generated = t->generator().generate(prompt, options);
  std::vector<int32_t> all(prompt.begin() + 1, prompt.end());
  all.insert(all.end(), generated.begin(), generated.end());
  CHECK(t->tokenizer().decode(all, /*skip_special=*/true) == golden);
  CHECK(t->generator().stop_reason() == pf::StopReason::kMaxNewTokens);
  // No tokenizer given: ids only.
  auto ids_only = pf::TextGeneration::load_llama2c(bytes.data(), bytes.size(), nullptr, 0,
                                                   pf::WeightFormat::kInt8, 32);
  CHECK_FALSE(ids_only->has_tokenizer());
  CHECK_THROWS_AS(ids_only->tokenizer(), pf::Error);
  CHECK(ids_only->model().config().max_context == 32);
}
