#include "convert/gguf_bpe_export.h"

#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"
#include "tokenizers/gguf_bpe_pre.h"

namespace pf {
namespace {

using nlohmann::json;

// tokenizer.json with its defaults spelled out, so a file that omits
// use_regex (older GPT-2 files) compares equal to the table's pipeline;
// ByteLevel's trim_offsets is dropped (files differ there; ids do not).
json canonical(const json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return j;
  const std::string type = j["type"];
  if (type == "ByteLevel") {
    return {{"type", type}, {"add_prefix_space", j.value("add_prefix_space", true)},
            {"use_regex", j.value("use_regex", true)}};  // trim_offsets: offsets only, not ids
  }
  if (type == "Split") {
    return {{"type", type}, {"pattern", j.value("pattern", json())}, {"behavior", j.value("behavior", json())},
            {"invert", j.value("invert", false)}};
  }
  if (type == "Digits") return {{"type", type}, {"individual_digits", j.value("individual_digits", false)}};
  if (type == "Sequence" && j.contains("pretokenizers") && j["pretokenizers"].is_array()) {
    json list = json::array();
    for (const json& p : j["pretokenizers"]) list.push_back(canonical(p));
    return {{"type", type}, {"pretokenizers", list}};
  }
  return j;
}

// Names tried in this order: the ones llama.cpp's converter writes.
constexpr const char* kPreferred[] = {"gpt-2", "llama-bpe", "dbrx", "qwen2", "smollm", "gpt-4o"};

std::string pre_name_for(const json& root) {
  const json normalizer = root.value("normalizer", json());
  const json pre = canonical(root.value("pre_tokenizer", json()));
  const json& model = root["model"];
  const bool ignore_merges = model.value("ignore_merges", false);
  for (const char* name : kPreferred) {
    const ByteLevelBpePipeline p = byte_level_bpe_pipeline(name, "");
    if (p.normalizer == normalizer && canonical(p.pre_tokenizer) == pre && p.ignore_merges == ignore_merges) {
      return name;
    }
  }
  return "";
}

// TemplateProcessing (alone or in a Sequence): the special token its single
// template starts / ends with.
void template_specials(const json& post, int64_t* first, int64_t* last) {
  if (!post.is_object()) return;
  if (post.value("type", "") == "Sequence" && post.contains("processors")) {
    for (const json& p : post["processors"]) template_specials(p, first, last);
    return;
  }
  if (post.value("type", "") != "TemplateProcessing" || !post.contains("single")) return;
  const json& single = post["single"];
  auto id_of = [&](const json& piece) -> int64_t {
    if (!piece.is_object() || !piece.contains("SpecialToken")) return -1;
    const std::string name = piece["SpecialToken"].value("id", "");
    const json& ids = post["special_tokens"][name]["ids"];
    return ids.is_array() && ids.size() == 1 && ids[0].is_number_integer() ? ids[0].get<int64_t>() : -1;
  };
  if (single.is_array() && !single.empty()) {
    *first = id_of(single.front());
    *last = id_of(single.back());
  }
}

}  // namespace

std::string gguf_bpe_pre_name_for(const std::string& tokenizer_json) {
  try {
    const json root = json::parse(tokenizer_json);
    if (!root.is_object() || !root.contains("model") || !root["model"].is_object()) return "";
    return pre_name_for(root);
  } catch (const json::exception&) {
    return "";
  }
}

bool write_byte_level_bpe_vocab(GgufWriter& w, const std::string& tokenizer_json, int64_t vocab_size,
                                int64_t bos_id, int64_t eos_id, std::string* why) {
  json root;
  try {
    root = json::parse(tokenizer_json);
  } catch (const json::exception&) {
    *why = "tokenizer.json is not JSON";
    return false;
  }
  if (!root.is_object() || !root.contains("model") || !root["model"].is_object() ||
      root["model"].value("type", "") != "BPE" || !root["model"]["vocab"].is_object() ||
      !root["model"]["merges"].is_array()) {
    *why = "tokenizer.json is not a BPE model";
    return false;
  }
  const json& model = root["model"];
  const json prefix = model.value("continuing_subword_prefix", json());
  const bool has_prefix = prefix.is_string() && !prefix.get<std::string>().empty();
  if (model.value("byte_fallback", false) || has_prefix) {
    *why = "tokenizer.json BPE uses byte_fallback or a subword prefix (not byte-level)";
    return false;
  }
  const std::string pre = pre_name_for(root);
  if (pre.empty()) {
    *why = "tokenizer.json's normalizer / pre_tokenizer match no llama.cpp tokenizer.ggml.pre pipeline";
    return false;
  }
  std::map<int64_t, std::string> by_id;
  std::map<std::string, int32_t> type_of;
  for (const auto& [token, id] : model["vocab"].items()) {
    if (id.is_number_integer()) by_id[id.get<int64_t>()] = token;
  }
  if (root.contains("added_tokens") && root["added_tokens"].is_array()) {
    for (const json& a : root["added_tokens"]) {
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer()) continue;
      const std::string content = a.value("content", "");
      by_id[a["id"].get<int64_t>()] = content;
      type_of[content] = a.value("special", false) ? 3 : 4;
    }
  }
  const int64_t n = by_id.empty() ? 0 : by_id.rbegin()->first + 1;
  if (by_id.empty() || by_id.begin()->first < 0 || n > vocab_size) {
    *why = "tokenizer.json has " + std::to_string(n) + " token ids for " + std::to_string(vocab_size) +
           " embedding rows";
    return false;
  }
  std::vector<std::string> tokens((size_t)vocab_size);
  std::vector<int32_t> types((size_t)vocab_size, 4);
  for (int64_t i = 0; i < vocab_size; ++i) tokens[(size_t)i] = "[PAD" + std::to_string(i) + "]";
  for (const auto& [id, token] : by_id) {
    tokens[(size_t)id] = token;
    types[(size_t)id] = type_of.count(token) ? type_of[token] : 1;
  }
  std::vector<std::string> merges;
  for (const json& m : model["merges"]) {
    if (m.is_string()) {
      merges.push_back(m.get<std::string>());
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      merges.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
    }
  }
  int64_t first = -1, last = -1;
  template_specials(root.value("post_processor", json()), &first, &last);
  // What the post-processor adds is what HF encodes; the config's ids name
  // the tokens otherwise.
  const bool add_bos = first >= 0, add_eos = last >= 0;
  if (add_bos) bos_id = first;
  if (add_eos) eos_id = last;
  w.add_string("tokenizer.ggml.model", "gpt2");
  w.add_string("tokenizer.ggml.pre", pre);
  w.add_string_array("tokenizer.ggml.tokens", tokens);
  w.add_i32_array("tokenizer.ggml.token_type", types);
  w.add_string_array("tokenizer.ggml.merges", merges);
  if (bos_id >= 0 && bos_id < vocab_size) w.add_u32("tokenizer.ggml.bos_token_id", (uint32_t)bos_id);
  if (eos_id >= 0 && eos_id < vocab_size) w.add_u32("tokenizer.ggml.eos_token_id", (uint32_t)eos_id);
  w.add_bool("tokenizer.ggml.add_bos_token", add_bos);
  w.add_bool("tokenizer.ggml.add_eos_token", add_eos);
  return true;
}

}  // namespace pf
