// GPT-2 from GGUF: tiny GPT-2s written as llama.cpp "gpt2" GGUFs in Python
// (tests/reference/make_tiny_gguf.py) against the PyTorch reference and the
// HF-safetensors load of the same weights; and the byte-level BPE built from
// a GGUF's tokenizer.ggml.* vocab against llama.cpp's goldens and the
// tokenizer.json of the same vocabulary.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "formats/gguf.h"
#include "formats/gguf_writer.h"
#include "tasks/text_generation.h"
#include "decoder_test_helpers.h"
#include "test_helpers.h"
#include "tokenizers/gguf_vocab.h"

namespace {

using nlohmann::json;
using pf_test::max_abs_diff;
using pf_test::argmax;

}  // namespace

TEST_CASE("GPT-2 GGUF (llama.cpp names) matches the PyTorch reference and the HF load",
          "[gpt2][gguf_model]") {
  const std::string name = GENERATE("tiny-gpt2", "tiny-gpt2-f16");
  const std::string dir = pf_test::testdata_dir() + "/" + name;
  INFO(name << " (generate with: bash scripts/make-testdata.sh)");
  REQUIRE(pf_test::file_exists(dir + "/model.gguf"));
  const json ref = json::parse(pf_test::read_text(dir + "/reference.json"));
  const auto gguf = pf_test::read_bytes(dir + "/model.gguf");
  auto from_gguf = pf::TextGeneration::load_gguf(gguf.data(), gguf.size(), nullptr);
  CHECK(from_gguf->model().config().model_type == "gpt2");
  CHECK(from_gguf->model().format() == pf::WeightFormat::kF32);
  const auto st = pf_test::read_bytes(dir + "/model.safetensors");
  auto from_hf = pf::TextGeneration::load_hf(pf_test::read_text(dir + "/config.json"), st.data(),
                                             st.size(), pf::WeightFormat::kF32);
  const auto prompt = ref["prompt"].get<std::vector<int32_t>>();
  const auto continuation = ref["continuation"].get<std::vector<int32_t>>();
  std::vector<float> a = from_gguf->model().forward(prompt.data(), prompt.size(), 0);
  std::vector<float> b = from_hf->model().forward(prompt.data(), prompt.size(), 0);
  float worst_ref = max_abs_diff(a, ref["prompt_logits"]), worst_hf = 0.f;
  size_t pos = prompt.size();
  for (size_t i = 0; i < continuation.size(); ++i, ++pos) {
    INFO("step " << i);
    REQUIRE(argmax(a) == continuation[i]);  // greedy agrees with the reference
    for (size_t j = 0; j < a.size(); ++j) worst_hf = std::max(worst_hf, std::fabs(a[j] - b[j]));
    a = from_gguf->model().forward(&continuation[i], 1, pos);
    b = from_hf->model().forward(&continuation[i], 1, pos);
    worst_ref = std::max(worst_ref, max_abs_diff(a, ref["step_logits"][i]));
  }
  WARN(name << " GGUF: max |logit diff| vs PyTorch " << worst_ref << ", vs HF load " << worst_hf);
  CHECK(worst_ref <= 1e-4f);
  CHECK(worst_hf <= 1e-5f);
}

TEST_CASE("GGUF gpt2 vocab: byte-level BPE equals llama.cpp's goldens and tokenizer.json",
          "[gpt2][gguf_model][tokenizer]") {
  const std::string vocab_dir = pf_test::fixtures_dir() + "/tokenizers/llama.cpp-vocab/";
  const std::string json_path = pf_test::testdata_dir() + "/tokenizers/gpt2/tokenizer.json";
  if (!pf_test::file_exists(vocab_dir + "ggml-vocab-gpt-2.gguf")) {
    WARN("skipped: " << vocab_dir << " absent");
    return;
  }
  const auto bytes = pf_test::read_bytes(vocab_dir + "ggml-vocab-gpt-2.gguf");
  const pf::GgufFile file = pf::GgufFile::parse(bytes.data(), bytes.size());
  CHECK_FALSE(pf::gguf_add_bos(file));
  const auto tok = pf::text_tokenizer_from_gguf(file);
  // .inp: cases each followed by "\n__ggml_vocab_test__\n"; .out: one line of ids per case.
  const std::string inp = pf_test::read_text(vocab_dir + "ggml-vocab-gpt-2.gguf.inp");
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::istringstream out(pf_test::read_text(vocab_dir + "ggml-vocab-gpt-2.gguf.out"));
  std::vector<std::string> texts;
  size_t start = 0;
  for (size_t at; (at = inp.find(sep, start)) != std::string::npos; start = at + sep.size()) {
    const std::string text = inp.substr(start, at - start);
    texts.push_back(text);
    std::string line;
    REQUIRE(std::getline(out, line));
    std::vector<int32_t> want;
    std::istringstream ids(line);
    for (int32_t id; ids >> id;) want.push_back(id);
    INFO("case " << texts.size() - 1 << ": '" << text << "'");
    CHECK(tok->encode(text, false) == want);
    CHECK(tok->decode(want, false) == text);
  }
  WARN("gpt-2 GGUF vocab: " << texts.size() << " llama.cpp golden tokenizations checked");
  CHECK(texts.size() >= 30);

  // The same vocabulary as transformers' tokenizer.json (built from GPT-2's
  // own encoder.json / vocab.bpe): identical ids, special token included.
  REQUIRE(pf_test::file_exists(json_path));
  const auto hf = pf::make_text_tokenizer(pf::Tokenizer::from_json(pf_test::read_text(json_path)));
  texts.push_back("Hello world<|endoftext|> and  multiple   spaces\n\ttabs, émojis 🦙 and 1234567");
  texts.push_back("<|endoftext|>");
  for (const std::string& text : texts) {
    INFO("'" << text << "'");
    CHECK(tok->encode(text, true) == hf->encode(text, true));
  }
  CHECK(tok->encode("<|endoftext|>", false) == std::vector<int32_t>{50256});
}

TEST_CASE("Hostile gpt2 GGUF vocabularies fail with coded errors", "[gpt2][gguf_model]") {
  auto build = [](const std::string& pre, std::vector<std::string> tokens,
                  std::vector<std::string> merges) {
    pf::GgufWriter w;
    w.add_string("general.architecture", "gpt2");
    w.add_string("tokenizer.ggml.model", "gpt2");
    if (!pre.empty()) w.add_string("tokenizer.ggml.pre", pre);
    w.add_string_array("tokenizer.ggml.tokens", tokens);
    w.add_string_array("tokenizer.ggml.merges", merges);
    return w.finish();
  };
  auto code = [](const std::vector<uint8_t>& b) {
    try {
      const pf::GgufFile f = pf::GgufFile::parse(b.data(), b.size());
      pf::text_tokenizer_from_gguf(f);
    } catch (const pf::Error& e) {
      return e.code();
    }
    return pf::ErrorCode::kInternal;
  };
  const std::vector<std::string> ok_tokens = {"a", "b", "ab"};
  {
    const auto b = build("", ok_tokens, {"a b"});
    const pf::GgufFile f = pf::GgufFile::parse(b.data(), b.size());
    CHECK(pf::text_tokenizer_from_gguf(f)->encode("ab", false) == std::vector<int32_t>{2});
  }
  CHECK(code(build("deepseek-llm", ok_tokens, {"a b"})) == pf::ErrorCode::kUnsupported);
  CHECK(code(build("llama-bpe", ok_tokens, {"a b"})) == pf::ErrorCode::kInternal);  // builds
  CHECK(code(build("gpt-2", {"a", "a"}, {})) == pf::ErrorCode::kCorruptModel);
  CHECK(code(build("gpt-2", {}, {})) == pf::ErrorCode::kCorruptModel);
}
