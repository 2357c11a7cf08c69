// `pocketformer prune` on a Llama-family folder (native builds only): the
// decoder path is picked from config.json's model_type, writes an HF folder
// the runtime loads with the pruned widths, copies the tokenizer files, and
// reports sizes that match the written files; --heads is refused for
// decoders by name.
#include <catch2/catch.hpp>

#ifndef __EMSCRIPTEN__

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/llama.h"
#include "random_llama.h"
#include "test_helpers.h"

namespace fs = std::filesystem;

namespace {

// A random SmolLM-ish llama folder (tokenizer.json + generation_config.json
// beside the weights) under build/testdata/prune-out.
std::string write_llama_dir() {
  const std::string d = pf_test::testdata_dir() + "/prune-out/llama-src";
  fs::create_directories(d);
  const pf_test::HfCheckpoint c = pf_test::make_random_llama(pf_test::RandomLlamaSpec{});
  std::ofstream(d + "/config.json") << c.config_json;
  std::ofstream(d + "/model.safetensors", std::ios::binary)
      .write((const char*)c.safetensors.data(), (std::streamsize)c.safetensors.size());
  std::ofstream(d + "/tokenizer.json") << pf_test::letters_tokenizer_json();
  std::ofstream(d + "/generation_config.json") << R"({"bos_token_id": 1, "eos_token_id": 2})";
  return d;
}

pf_test::CliRun run(const std::string& args) {
  return pf_test::run_cli(args, pf_test::testdata_dir() + "/prune-out/llama-cli.log");
}

}  // namespace

TEST_CASE("pocketformer prune on a llama folder: FFN pruning, a loadable folder, a true report",
          "[decoder-prune][cli]") {
  if (!pf_test::file_exists(pf_test::cli_path())) {
    WARN("skipped: " << pf_test::cli_path() << " not built (scripts/build.sh native)");
    return;
  }
  const std::string src = write_llama_dir(), out = src + "-pruned", report = out + ".json";
  fs::remove_all(out);
  const pf_test::CliRun r = run("prune '" + src + "' -o '" + out + "' --ffn 0.3 --report '" + report + "'");
  INFO(r.output);
  REQUIRE(r.code == 0);
  CHECK(r.output.find("next-token argmax agreement") != std::string::npos);
  for (const char* f : {"config.json", "model.safetensors", "tokenizer.json", "generation_config.json"}) {
    CHECK(fs::exists(out + "/" + f));
  }
  const auto j = nlohmann::json::parse(pf_test::read_text(report));
  CHECK(j["kind"] == "decoder");
  CHECK(j["sample_source"] == "built-in sentences");
  CHECK(j["bytes_before"] == fs::file_size(src + "/model.safetensors"));
  CHECK(j["bytes_after"] == fs::file_size(out + "/model.safetensors"));
  CHECK(j["ffn_width_after"] == nlohmann::json::array({45, 45, 45}));
  // 19 neurons a layer: gate + up rows and down columns of 32 floats.
  CHECK(j["params_before"].get<int64_t>() - j["params_after"].get<int64_t>() == 3 * 19 * 3 * 32);

  const pf_test::HfCheckpoint pruned{pf_test::read_text(out + "/config.json"),
                                     pf_test::read_bytes(out + "/model.safetensors")};
  const auto model = pf_test::load_checkpoint(pruned);
  CHECK(dynamic_cast<pf::LlamaModel&>(model->model()).layer_ffn_width(1) == 45);

  const pf_test::CliRun heads = run("prune '" + src + "' -o '" + out + "-h' --heads 0.5 --ffn 0.3");
  INFO(heads.output);
  CHECK(heads.code == 1);
  CHECK(heads.output.find("not supported for decoders yet") != std::string::npos);
  const pf_test::CliRun none = run("prune '" + src + "' -o '" + out + "-h' --heads 0");
  CHECK(none.code == 1);
  CHECK_FALSE(fs::exists(out + "-h"));
}

#endif  // __EMSCRIPTEN__
