// Byte-level BPE vocabularies from GGUF for each tokenizer.ggml.pre family
// (llama-bpe, qwen2, smollm, gpt-4o, default, gpt-2): the tokenizer.json
// files tests/reference/make_gguf_bpe_cases.mjs writes (GPT-2's real vocab
// and merges with the family's pre-tokenizer and special tokens) are written
// here as GGUF tokenizer.ggml.* metadata the way llama.cpp's converter
// writes them, and the tokenizer built from that GGUF must give the ids
// @huggingface/tokenizers gave on the tokenizer.json, for every string.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>

#include "convert/gguf_bpe_export.h"
#include "core/error.h"
#include "formats/gguf.h"
#include "formats/gguf_writer.h"
#include "test_helpers.h"
#include "tokenizers/gguf_bpe_pre.h"
#include "tokenizers/gguf_vocab.h"

namespace {

using nlohmann::json;

// convert_hf_to_gguf.py's _set_vocab_gpt2: tokens by id, added tokens
// CONTROL (3) when special and USER_DEFINED (4) otherwise, merges "a b".
std::vector<uint8_t> gguf_from_tokenizer_json(const json& tj, const json& meta) {
  std::map<int64_t, std::string> by_id;
  for (const auto& [token, id] : tj["model"]["vocab"].items()) by_id[id.get<int64_t>()] = token;
  std::map<std::string, int32_t> type_of;
  for (const json& a : tj["added_tokens"]) type_of[a["content"]] = a["special"].get<bool>() ? 3 : 4;
  std::vector<std::string> tokens;
  std::vector<int32_t> types;
  for (const auto& [id, token] : by_id) {
    REQUIRE(id == (int64_t)tokens.size());  // dense ids
    tokens.push_back(token);
    types.push_back(type_of.count(token) ? type_of[token] : 1);
  }
  std::vector<std::string> merges;
  for (const json& m : tj["model"]["merges"]) merges.push_back(m.get<std::string>());
  auto id_of = [&](const json& t) { return (uint32_t)tj["model"]["vocab"][t.get<std::string>()].get<int64_t>(); };
  pf::GgufWriter w;
  w.add_string("general.architecture", "llama");
  w.add_string("tokenizer.ggml.model", "gpt2");
  w.add_string("tokenizer.ggml.pre", meta["pre"].get<std::string>());
  w.add_string_array("tokenizer.ggml.tokens", tokens);
  w.add_i32_array("tokenizer.ggml.token_type", types);
  w.add_string_array("tokenizer.ggml.merges", merges);
  if (!meta["bos"].is_null()) w.add_u32("tokenizer.ggml.bos_token_id", id_of(meta["bos"]));
  if (!meta["eos"].is_null()) w.add_u32("tokenizer.ggml.eos_token_id", id_of(meta["eos"]));
  w.add_bool("tokenizer.ggml.add_bos_token", meta["add_bos"].get<bool>());
  return w.finish();
}

}  // namespace

TEST_CASE("GGUF byte-level BPE per tokenizer.ggml.pre equals @huggingface/tokenizers on the family's tokenizer.json",
          "[tokenizer][gguf_model][gguf_bpe]") {
  const std::string pre = GENERATE("llama-bpe", "qwen2", "smollm", "gpt-4o", "default", "gpt-2");
  const std::string dir = pf_test::testdata_dir() + "/gguf-bpe/" + pre;
  if (!pf_test::file_exists(dir + "/cases.json")) {
    // The generator skips (and says so) only when the GPT-2 fixtures are absent.
    INFO(dir << " is missing: run npm install, then bash scripts/make-testdata.sh");
    REQUIRE_FALSE(pf_test::file_exists(pf_test::fixtures_dir() + "/tokenizers/gpt2/encoder.json"));
    WARN("skipped: " << dir << " absent (../shared fixtures absent)");
    return;
  }
  const json tj = json::parse(pf_test::read_text(dir + "/tokenizer.json"));
  const json meta = json::parse(pf_test::read_text(dir + "/cases.json"));
  // Written as llama.cpp's converter writes it, or by our converter's
  // exporter (which must find the pre name from the pipeline itself; no
  // tokenizer.json uses llama.cpp's "default").
  const bool exporter = GENERATE(false, true);
  INFO((exporter ? "GGUF from pf::write_byte_level_bpe_vocab" : "GGUF written as convert_hf_to_gguf.py does"));
  std::vector<uint8_t> bytes;
  if (exporter) {
    const std::string text = pf_test::read_text(dir + "/tokenizer.json");
    CHECK(pf::gguf_bpe_pre_name_for(text) == (pre == "default" ? "" : pre));
    pf::GgufWriter w;
    std::string why;
    const bool ok = pf::write_byte_level_bpe_vocab(w, text, (int64_t)tj["model"]["vocab"].size() + 3, -1, -1, &why);
    if (pre == "default") {
      CHECK_FALSE(ok);
      CHECK_THAT(why, Catch::Contains("pre_tokenizer"));
      return;
    }
    REQUIRE(ok);
    bytes = w.finish();
  } else {
    bytes = gguf_from_tokenizer_json(tj, meta);
  }
  const pf::GgufFile file = pf::GgufFile::parse(bytes.data(), bytes.size());
  CHECK(pf::gguf_add_bos(file) == meta["add_bos"].get<bool>());
  const auto tok = pf::text_tokenizer_from_gguf(file);
  size_t n = 0, tokens = 0;
  for (const json& c : meta["cases"]) {
    const std::string text = c["text"];
    const auto want = c["ids"].get<std::vector<int32_t>>();
    const auto got = tok->encode(text, /*add_special=*/true);
    if (got != want) {
      std::string w, g;
      for (int32_t id : want) w += std::to_string(id) + " ";
      for (int32_t id : got) g += std::to_string(id) + " ";
      FAIL(pre << " case " << n << ": " << json(text).dump() << "\n  @huggingface/tokenizers: ["
               << w << "]\n  ours (from GGUF):        [" << g << "]");
    }
    const std::string decoded = tok->decode(got, /*skip_special=*/false);
    if (decoded != c["decoded"].get<std::string>()) {
      FAIL(pre << " decode case " << n << ": " << json(text).dump() << "\n  @huggingface/tokenizers: "
               << c["decoded"].dump() << "\n  ours:                    " << json(decoded).dump());
    }
    ++n;
    tokens += got.size();
  }
  WARN("GGUF pre '" << pre << "'" << (exporter ? " (our exporter)" : "") << ": " << n << " strings, " << tokens << " ids identical to @huggingface/tokenizers");
  CHECK(n >= 5000);
}

TEST_CASE("GGUF byte-level BPE: each supported pre name builds; unknown names are named in the error",
          "[tokenizer][gguf_model][gguf_bpe]") {
  auto build = [](const std::string& pre) {
    pf::GgufWriter w;
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", pre);
    w.add_string_array("tokenizer.ggml.tokens", {"a", "b", "ab", "1", "\xc4\xa0"});  // Ġ = space
    w.add_string_array("tokenizer.ggml.merges", {"a b"});
    return w.finish();
  };
  for (const std::string& pre : pf::supported_gguf_bpe_pre_names()) {
    INFO(pre);
    const auto b = build(pre);
    const pf::GgufFile f = pf::GgufFile::parse(b.data(), b.size());
    CHECK(pf::text_tokenizer_from_gguf(f)->encode("ab", false) == std::vector<int32_t>{2});
  }
  for (const char* pre : {"deepseek-llm", "no-such-pre", ""}) {
    const auto b = build(pre);
    const pf::GgufFile f = pf::GgufFile::parse(b.data(), b.size());
    try {
      pf::text_tokenizer_from_gguf(f);
      FAIL("accepted pre-tokenizer '" << pre << "'");
    } catch (const pf::Error& e) {
      CHECK(e.code() == pf::ErrorCode::kUnsupported);
      CHECK_THAT(e.what(), Catch::Contains("'" + std::string(pre) + "'") && Catch::Contains("llama-bpe"));
    }
  }
}
