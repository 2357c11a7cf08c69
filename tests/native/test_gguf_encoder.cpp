// BERT-family encoders through GGUF (llama.cpp's "bert" layout): the HF
// folder converted to GGUF and loaded back gives the HF load's hidden states
// and head logits (f32: within 1e-5; f16/q8/q4 within cosine bounds), the
// float64 reference bounds still hold, the WordPiece vocab survives
// llama.cpp's "▁"/"##" spelling (and reads llama.cpp's own bert-bge vocab
// GGUF back to bert-base-uncased's vocab.txt), and hostile GGUF encoders
// fail with CORRUPT_MODEL / UNSUPPORTED.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "convert/encoder_gguf_export.h"
#include "core/error.h"
#include "formats/gguf.h"
#include "formats/model_config.h"
#include "formats/safetensors.h"
#include "models/encoder.h"
#include "tasks/encoder_task.h"
#include "tasks/feature_extraction.h"
#include "tasks/gguf_encoder_checkpoint.h"
#include "tasks/text_classification.h"
#include "test_helpers.h"
#include "tokenizers/gguf_wordpiece.h"

using nlohmann::json;

namespace {

pf::EncoderConvertSource source_of(const std::string& name) {
  const pf_test::EncoderFiles f = pf_test::read_encoder_dir(name);
  pf::EncoderConvertSource s;
  s.config_json = f.config;
  s.safetensors = f.weights;
  s.tokenizer.vocab_txt = f.vocab;
  return s;
}

std::vector<uint8_t> to_gguf(const pf::EncoderConvertSource& s, pf::ConvertDtype dtype) {
  pf::ConvertOptions o;
  o.dtype = dtype;
  return pf::export_encoder_gguf(s, o);
}

std::vector<float> hidden_of(const std::string& config_json, const std::vector<uint8_t>& st,
                             const pf::EncoderBatch& batch, pf::WeightFormat format) {
  const pf::SafetensorsFile file = pf::SafetensorsFile::parse(st.data(), st.size());
  return pf::EncoderModel::load(pf::parse_encoder_config(config_json), file, format)->forward(batch);
}

const char* kTexts[] = {"Hello, world! This is a test.", "the quick brown fox",
                        "Ünïcödé and 中文 text, with [MASK] tokens."};

pf::ErrorCode load_error(const std::vector<uint8_t>& gguf) {
  try {
    const pf::EncoderCheckpoint ck = pf::encoder_checkpoint_from_gguf(gguf.data(), gguf.size());
    pf::FeatureExtractor::load(ck.config_json, ck.safetensors.data(), ck.safetensors.size(),
                               ck.tokenizer, ck.default_format);
  } catch (const pf::Error& e) {
    INFO(e.what());
    return e.code();
  }
  return pf::ErrorCode::kInternal;  // no error at all
}

// Byte offset just after the first occurrence of `s` (a length-prefixed
// GGUF string) in the file.
size_t after_string(const std::vector<uint8_t>& b, const std::string& s) {
  std::string needle(8, '\0');
  const uint64_t n = s.size();
  std::memcpy(needle.data(), &n, 8);
  needle += s;
  const std::string hay(b.begin(), b.end());
  const size_t at = hay.find(needle);
  REQUIRE(at != std::string::npos);
  return at + needle.size();
}

}  // namespace

TEST_CASE("GGUF WordPiece spelling round-trips every vocab.txt token", "[gguf-encoder][tokenizer]") {
  for (const std::string t : {"the", "##ing", "[CLS]", "[unused0]", "##", "#", "[", "]", "▁x"}) {
    for (bool control : {false, true}) {
      if (t == "▁x" && !control) continue;  // a vocab.txt token spelled like a word start: ambiguous
      CHECK(pf::wordpiece_from_gguf_token(pf::wordpiece_to_gguf_token(t, control), control) == t);
    }
  }
  CHECK(pf::wordpiece_to_gguf_token("the", false) == "\xE2\x96\x81the");
  CHECK(pf::wordpiece_to_gguf_token("##ing", false) == "ing");
}

TEST_CASE("llama.cpp's bert-bge vocab GGUF reads back as bert-base-uncased vocab.txt and "
          "tokenizes its golden cases", "[gguf-encoder][tokenizer][golden]") {
  const std::string dir = pf_test::fixtures_dir() + "/tokenizers/";
  const std::string gguf_path = dir + "llama.cpp-vocab/ggml-vocab-bert-bge.gguf";
  if (!pf_test::file_exists(gguf_path) || !pf_test::file_exists(dir + "bert-base-uncased/vocab.txt")) {
    WARN("SKIP: fixtures missing (" << gguf_path << ")");
    return;
  }
  const std::vector<uint8_t> bytes = pf_test::read_bytes(gguf_path);
  const pf::GgufFile f = pf::GgufFile::parse(bytes.data(), bytes.size());
  const std::string vocab = pf::gguf_wordpiece_vocab_txt(f);
  const std::string original = pf_test::read_text(dir + "bert-base-uncased/vocab.txt");
  CHECK(vocab == original);
  CHECK(pf::gguf_wordpiece_lowercase(f));

  const pf::EncoderTokenizer from_gguf = pf::EncoderTokenizer::load(pf::TokenizerFiles(vocab));
  const pf::EncoderTokenizer from_txt = pf::EncoderTokenizer::load(pf::TokenizerFiles(original));
  CHECK(from_gguf.single().prefix == std::vector<int32_t>{(int32_t)f.get_i64("tokenizer.ggml.cls_token_id")});
  CHECK(from_gguf.single().suffix == std::vector<int32_t>{(int32_t)f.get_i64("tokenizer.ggml.seperator_token_id")});
  CHECK(from_gguf.mask_id() == (int32_t)f.get_i64("tokenizer.ggml.mask_token_id"));
  CHECK(from_gguf.unk_id() == (int32_t)f.get_i64("tokenizer.ggml.unknown_token_id"));

  // llama.cpp's golden cases (.out: ids without [CLS]/[SEP]).
  const std::string inp = pf_test::read_text(gguf_path + ".inp");
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> cases;
  for (size_t start = 0, at; (at = inp.find(sep, start)) != std::string::npos; start = at + sep.size()) {
    cases.push_back(inp.substr(start, at - start));
  }
  std::istringstream out(pf_test::read_text(gguf_path + ".out"));
  size_t i = 0, mismatches = 0;
  for (std::string line; std::getline(out, line) && i < cases.size(); ++i) {
    std::istringstream ids(line);
    std::vector<int32_t> want;
    for (int32_t id; ids >> id;) want.push_back(id);
    const std::vector<int32_t> got = from_gguf.tokenize_ids(cases[i]);
    if (got != want) {
      ++mismatches;
      UNSCOPED_INFO("golden case " << i << " differs");
    }
  }
  CHECK(i == cases.size());
  CHECK(mismatches == 0);

  // Seeded strings: the GGUF-built tokenizer equals the vocab.txt one.
  std::mt19937 rng(1234);
  const char* extras[] = {" ", "  ", ",", ".", "!", "'", "é", "中", "ß", "\t", "Ⅻ", "[MASK]", "##"};
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    const int words = 1 + (int)(rng() % 12);
    for (int w = 0; w < words; ++w) {
      const int32_t id = (int32_t)(rng() % from_txt.vocab_size());
      std::string piece = from_txt.id_to_token(id);
      if (rng() % 3 == 0 && piece.rfind("##", 0) == 0) piece = piece.substr(2);
      if (rng() % 4 == 0) for (char& c : piece) c = (char)std::toupper((unsigned char)c);
      text += piece;
      text += extras[rng() % (sizeof(extras) / sizeof(*extras))];
    }
    INFO("text: " << text);
    REQUIRE(from_gguf.tokenize_ids(text) == from_txt.tokenize_ids(text));
  }
}

TEST_CASE("HF encoder -> GGUF f32 -> load gives the HF hidden states and the reference bounds",
          "[gguf-encoder]") {
  const std::string name = GENERATE(as<std::string>(), "tiny-bert", "tiny-distilbert",
                                    "tiny-bert-bf16", "tiny-distilbert-bf16",
                                    // structurally pruned: heads per layer and FFN widths differ
                                    "tiny-bert-pruned", "tiny-distilbert-pruned");
  INFO(name);
  const pf::EncoderConvertSource src = source_of(name);
  const std::vector<uint8_t> gguf = to_gguf(src, pf::ConvertDtype::kF32);
  const pf::EncoderCheckpoint ck = pf::encoder_checkpoint_from_gguf(gguf.data(), gguf.size());
  CHECK(ck.default_format == pf::WeightFormat::kF32);
  CHECK(ck.tokenizer.vocab_txt == src.tokenizer.vocab_txt);

  const json ref = json::parse(pf_test::read_text(pf_test::testdata_dir() + "/" + name + "/reference.json"));
  for (const json& c : ref["cases"]) {
    std::vector<int32_t> ids = c["input_ids"].get<std::vector<int32_t>>();
    pf::EncoderBatch batch = pf::pad_batch({ids}, nullptr, 0);
    if (c.contains("token_type_ids")) {
      const auto types = c["token_type_ids"].get<std::vector<int32_t>>();
      batch.token_type_ids.assign(types.begin(), types.end());
    }
    const auto hf = hidden_of(src.config_json, src.safetensors, batch, pf::WeightFormat::kF32);
    const auto gg = hidden_of(ck.config_json, ck.safetensors, batch, pf::WeightFormat::kF32);
    REQUIRE(hf.size() == gg.size());
    double diff = 0, ref_diff = 0;
    std::vector<float> want;
    for (const json& row : c["last_hidden_state"]) {
      for (const json& v : row) want.push_back(v.get<float>());
    }
    REQUIRE(want.size() == gg.size());
    for (size_t i = 0; i < gg.size(); ++i) {
      diff = std::max(diff, (double)std::fabs(hf[i] - gg[i]));
      ref_diff = std::max(ref_diff, (double)std::fabs(want[i] - gg[i]));
    }
    CHECK(diff <= 1e-5);
    CHECK(ref_diff <= 1e-4);
  }
}

TEST_CASE("GGUF encoders with task heads: f32 exact, f16/q8/q4 within bounds",
          "[gguf-encoder][heads]") {
  const std::string head = GENERATE(as<std::string>(), "seq-cls", "multi-label", "token-cls",
                                    "qa", "mlm");
  const std::string arch = GENERATE(as<std::string>(), "bert", "distilbert");
  const std::string name = "tiny-heads/" + arch + "-" + head;
  INFO(name);
  const pf::EncoderConvertSource src = source_of(name);
  // dtype -> minimum hidden-state cosine (per token) and head argmax agreement,
  // set from the measured worst case over the ten models with a margin
  // (f16 0.999995 / 100%; q8 0.99696 (DistilBERT), 0.99918 (BERT) / 87.5%;
  // q4 0.7112 / 25%). Q8_0 / Q4_0 run as the runtime's per-channel int8 /
  // 4-bit after dequantization (two roundings). The random heads' top logits
  // are often near ties and QA gives only 8 rows (start, end x 4 texts), so
  // q4's agreement bound is loose; its cosine is what catches a broken path.
  const struct { pf::ConvertDtype dtype; double cosine; double agreement; } bounds[] = {
      {pf::ConvertDtype::kF32, 1.0 - 1e-9, 1.0},
      {pf::ConvertDtype::kF16, 0.99999, 1.0},
      {pf::ConvertDtype::kQ8_0, 0.995, 0.85},
      {pf::ConvertDtype::kQ4_0, 0.65, 0.2},
  };
  for (const auto& b : bounds) {
    const std::vector<uint8_t> gguf = to_gguf(src, b.dtype);
    const pf::AccuracyReport r = pf::measure_encoder_accuracy(src, gguf, pf::convert_dtype_name(b.dtype), {});
    INFO(pf::convert_dtype_name(b.dtype) << "\n" << r.to_table());
    CHECK(r.head_rows > 0);
    CHECK(r.cosine_min >= b.cosine);
    CHECK(r.argmax_agreement >= b.agreement);
    if (b.dtype == pf::ConvertDtype::kF32) CHECK(r.max_abs_diff <= 1e-5);
    WARN(name << " " << pf::convert_dtype_name(b.dtype) << ": hidden cosine min " << r.cosine_min
              << ", max |diff| " << r.max_abs_diff << ", argmax " << r.argmax_agreement);
  }
  if (head == "seq-cls" || head == "multi-label") {
    // Labels and problem_type travel through the GGUF keys.
    const std::vector<uint8_t> gguf = to_gguf(src, pf::ConvertDtype::kF32);
    const pf::EncoderCheckpoint ck = pf::encoder_checkpoint_from_gguf(gguf.data(), gguf.size());
    const auto a = pf::TextClassifier::load(src.config_json, src.safetensors.data(), src.safetensors.size(),
                                            src.tokenizer, pf::WeightFormat::kF32);
    const auto b = pf::TextClassifier::load(ck.config_json, ck.safetensors.data(), ck.safetensors.size(),
                                            ck.tokenizer, pf::WeightFormat::kF32);
    CHECK(a->labels() == b->labels());
    CHECK(a->default_function() == b->default_function());
    const std::vector<std::string> texts(std::begin(kTexts), std::end(kTexts));
    const auto la = a->logits(texts), lb = b->logits(texts);
    REQUIRE(la.size() == lb.size());
    for (size_t i = 0; i < la.size(); ++i) CHECK(std::fabs(la[i] - lb[i]) <= 1e-5);
  }
}

TEST_CASE("hostile GGUF encoders fail with CORRUPT_MODEL / UNSUPPORTED", "[gguf-encoder][bad]") {
  const std::vector<uint8_t> good = to_gguf(source_of("tiny-bert"), pf::ConvertDtype::kF32);
  REQUIRE(load_error(good) == pf::ErrorCode::kInternal);  // loads

  SECTION("wrong architecture") {
    auto b = good;
    const size_t at = after_string(b, "bert") - 4;  // general.architecture's value
    std::memcpy(&b[at], "bret", 4);
    CHECK(load_error(b) == pf::ErrorCode::kUnsupported);
  }
  SECTION("missing tensor") {
    auto b = good;
    const size_t at = after_string(b, "blk.1.ffn_up.weight");
    b[at - 8] = 'q';  // "blk.1.ffn_uq.weight"
    CHECK(load_error(b) == pf::ErrorCode::kCorruptModel);
  }
  SECTION("wrong shape") {
    auto b = good;
    const size_t at = after_string(b, "blk.0.ffn_up.weight");  // u32 n_dims, u64 ne0, u64 ne1
    uint64_t ne0, ne1;
    std::memcpy(&ne0, &b[at + 4], 8);
    std::memcpy(&ne1, &b[at + 12], 8);
    std::memcpy(&b[at + 4], &ne1, 8);
    std::memcpy(&b[at + 12], &ne0, 8);
    CHECK(load_error(b) == pf::ErrorCode::kCorruptModel);
  }
  SECTION("huge dimensions") {
    const char* key = GENERATE("bert.embedding_length", "bert.block_count", "bert.feed_forward_length",
                               "bert.context_length", "bert.attention.head_count");
    auto b = good;
    const size_t at = after_string(b, key);  // u32 type, u32 value
    const uint32_t huge = 1u << 30;
    std::memcpy(&b[at + 4], &huge, 4);
    CHECK(load_error(b) == pf::ErrorCode::kCorruptModel);
  }
  SECTION("not a WordPiece vocab") {
    auto b = good;
    const size_t at = after_string(b, "tokenizer.ggml.model");  // u32 type, string "bert"
    std::memcpy(&b[at + 4 + 8], "gpt2", 4);
    CHECK(load_error(b) == pf::ErrorCode::kUnsupported);
  }
  SECTION("pruned_heads that are not JSON or disagree with the weights") {
    const std::vector<uint8_t> pruned =
        to_gguf(source_of("tiny-bert-pruned"), pf::ConvertDtype::kF32);
    REQUIRE(load_error(pruned) == pf::ErrorCode::kInternal);  // loads
    // The value: u32 type, u64 length, then {"1":[0,2],"2":[3]}.
    const size_t text = after_string(pruned, "pocketformer.encoder.pruned_heads") + 12;
    REQUIRE(std::string(pruned.begin() + text, pruned.begin() + text + 19) ==
            "{\"1\":[0,2],\"2\":[3]}");
    auto edit = [&](size_t offset, char c) {
      auto b = pruned;
      b[text + offset] = c;
      return load_error(b);
    };
    CHECK(edit(0, '[') == pf::ErrorCode::kCorruptModel);  // not JSON
    CHECK(edit(2, '9') == pf::ErrorCode::kCorruptModel);  // layer 9 of 3
    CHECK(edit(8, '0') == pf::ErrorCode::kCorruptModel);  // [0,0]: 1 head pruned, weights have 2
    CHECK(edit(8, '1') == pf::ErrorCode::kInternal);      // [0,1]: other heads, same shapes
  }
  SECTION("truncated") {
    auto b = good;
    b.resize(b.size() / 2);
    CHECK(load_error(b) == pf::ErrorCode::kCorruptModel);
  }
}
