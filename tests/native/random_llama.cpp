#include "random_llama.h"

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "tensor/dtype.h"
#include "tensor/quantize.h"

namespace pf_test {

namespace {

// Box-Muller over mt19937_64, so the draw is the same on every standard library.
class Normal {
 public:
  explicit Normal(uint64_t seed) : rng_(seed) {}
  double next() {
    const double u1 = ((double)(rng_() >> 11) + 1.0) / 9007199254740993.0;
    const double u2 = (double)(rng_() >> 11) / 9007199254740992.0;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

std::vector<float> entry_values(const pf::SafetensorsEntry& e) {
  std::vector<float> v(e.data.size() / pf::dtype_size(e.dtype));
  pf::convert_to_f32(e.dtype, e.data.data(), v.size(), v.data());
  return v;
}

void set_entry_values(pf::SafetensorsEntry& e, const std::vector<float>& values) {
  e.data.resize(values.size() * pf::dtype_size(e.dtype));
  if (e.dtype == pf::DType::kF32) {
    if (!values.empty()) std::memcpy(e.data.data(), values.data(), e.data.size());
    return;
  }
  if (e.dtype != pf::DType::kBF16) throw std::runtime_error("random_llama: F32 or BF16 only");
  for (size_t i = 0; i < values.size(); ++i) {
    const uint16_t b = pf::f32_to_bf16_bits(values[i]);
    std::memcpy(e.data.data() + 2 * i, &b, 2);
  }
}

std::map<std::string, pf::SafetensorsEntry> random_llama_tensors(const RandomLlamaSpec& s) {
  Normal normal(s.seed);
  std::map<std::string, pf::SafetensorsEntry> t;
  const int64_t hd = s.dim / s.heads, q = s.heads * hd, kv = s.kv_heads * hd;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, double scale, double offset) {
    size_t n = 1;
    for (int64_t d : shape) n *= (size_t)d;
    std::vector<float> v(n);
    for (float& x : v) x = (float)(offset + scale * normal.next());
    pf::SafetensorsEntry e{s.dtype, std::move(shape), {}};
    set_entry_values(e, v);
    t[name] = std::move(e);
  };
  auto matrix = [&](const std::string& name, int64_t out, int64_t in) {
    add(name, {out, in}, 1.5 / std::sqrt((double)in), 0.0);
  };
  add("model.embed_tokens.weight", {s.vocab, s.dim}, 1.0, 0.0);
  for (int64_t l = 0; l < s.layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    const int64_t F = s.ffn_widths.empty() ? s.intermediate : s.ffn_widths[(size_t)l];
    add(p + "input_layernorm.weight", {s.dim}, 0.1, 1.0);
    matrix(p + "self_attn.q_proj.weight", q, s.dim);
    matrix(p + "self_attn.k_proj.weight", kv, s.dim);
    matrix(p + "self_attn.v_proj.weight", kv, s.dim);
    if (s.model_type == "qwen2") {
      add(p + "self_attn.q_proj.bias", {q}, 0.1, 0.0);
      add(p + "self_attn.k_proj.bias", {kv}, 0.1, 0.0);
      add(p + "self_attn.v_proj.bias", {kv}, 0.1, 0.0);
    }
    matrix(p + "self_attn.o_proj.weight", s.dim, q);
    add(p + "post_attention_layernorm.weight", {s.dim}, 0.1, 1.0);
    matrix(p + "mlp.gate_proj.weight", F, s.dim);
    matrix(p + "mlp.up_proj.weight", F, s.dim);
    matrix(p + "mlp.down_proj.weight", s.dim, F);
  }
  add("model.norm.weight", {s.dim}, 0.1, 1.0);
  if (!s.tied) matrix("lm_head.weight", s.vocab, s.dim);
  return t;
}

std::string random_llama_config(const RandomLlamaSpec& s) {
  const nlohmann::ordered_json cfg = {
      {"architectures", {s.model_type == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM"}},
      {"model_type", s.model_type},
      {"vocab_size", s.vocab},
      {"hidden_size", s.dim},
      {"intermediate_size", s.intermediate},
      {"num_hidden_layers", s.layers},
      {"num_attention_heads", s.heads},
      {"num_key_value_heads", s.kv_heads},
      {"max_position_embeddings", s.max_positions},
      {"rms_norm_eps", 1e-5},
      {"rope_theta", 10000.0},
      {"hidden_act", "silu"},
      {"tie_word_embeddings", s.tied},
      {"bos_token_id", 1},
      {"eos_token_id", 2},
  };
  return cfg.dump(2);
}

std::string letters_tokenizer_json() {
  nlohmann::json vocab = {{"[UNK]", 0}};
  for (char c = 'a'; c <= 'z'; ++c) {
    vocab[std::string(1, c)] = 1 + (c - 'a');
    vocab["##" + std::string(1, c)] = 27 + (c - 'a');
  }
  vocab["."] = 53;
  vocab[","] = 54;
  const nlohmann::json root = {
      {"version", "1.0"},
      {"normalizer", {{"type", "BertNormalizer"}, {"clean_text", true}, {"handle_chinese_chars", true},
                      {"strip_accents", nullptr}, {"lowercase", true}}},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"model", {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"continuing_subword_prefix", "##"},
                 {"max_input_chars_per_word", 100}, {"vocab", vocab}}}};
  return root.dump();
}

std::unique_ptr<pf::TextGeneration> load_checkpoint(const HfCheckpoint& c, pf::WeightFormat format) {
  return pf::TextGeneration::load_hf(c.config_json, c.safetensors.data(), c.safetensors.size(), format);
}

HfCheckpoint make_random_llama(const RandomLlamaSpec& spec) {
  return HfCheckpoint{random_llama_config(spec), pf::write_safetensors(random_llama_tensors(spec))};
}

}  // namespace pf_test
