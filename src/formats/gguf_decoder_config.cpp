#include "formats/gguf_decoder_config.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace pf {

namespace {

// Integer key within [lo, hi]; the bounds keep later size arithmetic far
// from overflow (validate_decoder_config checks the finer invariants).
int64_t int_key(const GgufFile& f, const std::string& key, int64_t lo, int64_t hi) {
  const int64_t v = f.get_i64(key);
  if (v < lo || v > hi) {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": metadata '" + key + "' = " +
                                       std::to_string(v) + " is outside [" + std::to_string(lo) +
                                       ", " + std::to_string(hi) + "]");
  }
  return v;
}

// llama.cpp's rope.scaling.type "linear" (positions divided by factor) and
// "yarn" (same ramp, defaults beta_fast 32 / beta_slow 1 and attention
// factor 0.1 ln(factor) + 1 as HF), and the rope_freqs.weight tensor
// convert_hf_to_gguf writes for Llama 3.1 (frequency i divided by value i).
void read_rope_scaling(const GgufFile& f, const std::string& p, int64_t trained,
                       DecoderConfig& c) {
  RopeScaling& s = c.rope_scaling;
  const std::string type =
      f.has(p + "rope.scaling.type") ? std::string(f.get_string(p + "rope.scaling.type")) : "none";
  if (type == "linear" || type == "yarn") {
    s.type = type == "linear" ? RopeScaling::Type::kLinear : RopeScaling::Type::kYarn;
    // Older files give only rope.scale_linear (the same factor).
    s.factor = f.has(p + "rope.scaling.factor") ? f.get_f32_or(p + "rope.scaling.factor", 1.f)
                                                : f.get_f32_or(p + "rope.scale_linear", 1.f);
    if (!(s.factor >= 1.0 && s.factor <= 1024.0)) {
      fail(ErrorCode::kCorruptModel, f.file_name() + ": " + p + "rope.scaling.factor " +
                                         std::to_string(s.factor) + " is outside [1, 1024]");
    }
    if (s.type == RopeScaling::Type::kYarn) {
      s.original_max_positions = f.has(p + "rope.scaling.original_context_length")
                                     ? int_key(f, p + "rope.scaling.original_context_length", 1,
                                               1 << 24)
                                     : trained;
      if (f.has(p + "rope.scaling.attn_factor") &&
          f.get_f32_or(p + "rope.scaling.attn_factor", 1.f) != 1.f) {
        fail(ErrorCode::kUnsupported, f.file_name() + ": " + p +
                                          "rope.scaling.attn_factor other than 1 is not supported");
      }
      s.attention_factor = s.factor <= 1.0 ? 1.0 : 0.1 * std::log(s.factor) + 1.0;
    }
  } else if (type != "none") {
    fail(ErrorCode::kUnsupported, f.file_name() + ": rope scaling '" + type +
                                      "' is not supported (supported: none, linear, yarn)");
  } else if (f.has(p + "rope.scale_linear")) {
    const float factor = f.get_f32_or(p + "rope.scale_linear", 1.f);
    if (factor != 1.f) {
      s.type = RopeScaling::Type::kLinear;
      s.factor = factor;
    }
  }
  if (const GgufTensor* t = f.find_tensor("rope_freqs.weight")) {
    if (t->numel() != c.head_dim / 2) {
      fail(ErrorCode::kCorruptModel, f.file_name() + ": rope_freqs.weight has " +
                                         std::to_string(t->numel()) + " values for " +
                                         std::to_string(c.head_dim / 2) + " rotary frequencies");
    }
    s.freq_factors = dequantize_tensor(*t);
  }
}

// Vocabulary size and special ids, from the keys or the tensors.
void read_vocab(const GgufFile& f, const std::string& p, DecoderConfig& c) {
  if (f.has(p + "vocab_size")) {
    c.vocab_size = int_key(f, p + "vocab_size", 1, 1 << 22);
  } else if (f.has("tokenizer.ggml.tokens")) {
    c.vocab_size = (int64_t)std::min<uint64_t>(f.get_array_size("tokenizer.ggml.tokens"), 1u << 23);
  } else if (const GgufTensor* emb = f.find_tensor("token_embd.weight"); emb && emb->ne.size() == 2) {
    c.vocab_size = emb->ne[1];
  } else {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": no " + p +
                                       "vocab_size, tokenizer.ggml.tokens or token_embd.weight");
  }
  c.tied_embeddings = f.find_tensor("output.weight") == nullptr;
  if (f.has("tokenizer.ggml.bos_token_id")) {
    c.bos_token_id = f.get_i64("tokenizer.ggml.bos_token_id");
    if (c.bos_token_id < 0 || c.bos_token_id >= c.vocab_size) c.bos_token_id = -1;
  }
  auto add_eos = [&](int64_t id) {
    if (id >= 0 && id < c.vocab_size &&
        std::find(c.eos_token_ids.begin(), c.eos_token_ids.end(), id) == c.eos_token_ids.end()) {
      c.eos_token_ids.push_back(id);
    }
  };
  if (f.has("tokenizer.ggml.eos_token_id")) add_eos(f.get_i64("tokenizer.ggml.eos_token_id"));
  if (f.has("tokenizer.ggml.eot_token_id")) add_eos(f.get_i64("tokenizer.ggml.eot_token_id"));
  // Our converter's own key: every id that ends generation (llama2.c stops
  // at BOS too), which llama.cpp's single eos key cannot say.
  if (f.has("pocketformer.eos_token_ids")) {
    for (int32_t id : f.get_i32_array("pocketformer.eos_token_ids")) add_eos(id);
  }
}

// llama.cpp's "gpt2" architecture: learned positions (context_length rows
// of position_embd), LayerNorm with biases, tanh-GELU MLP (ggml_gelu).
DecoderConfig gpt2_config_from_gguf(const GgufFile& f, int64_t max_context) {
  const std::string p = "gpt2.";
  DecoderConfig c;
  c.model_type = "gpt2";
  c.dim = int_key(f, p + "embedding_length", 1, 1 << 16);
  c.n_layers = int_key(f, p + "block_count", 1, 256);
  c.hidden_dim = int_key(f, p + "feed_forward_length", 1, 1 << 18);
  c.n_heads = int_key(f, p + "attention.head_count", 1, 1024);
  c.n_kv_heads = c.n_heads;
  if (c.dim % c.n_heads != 0) {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": embedding_length " + std::to_string(c.dim) +
                                       " is not a multiple of attention.head_count " +
                                       std::to_string(c.n_heads));
  }
  c.head_dim = c.dim / c.n_heads;
  c.max_positions = int_key(f, p + "context_length", 1, 1 << 20);
  c.max_context = max_context > 0 ? std::min(max_context, c.max_positions) : c.max_positions;
  c.layer_norm_eps = f.get_f32_or(p + "attention.layer_norm_epsilon", 1e-5f);
  if (!(c.layer_norm_eps > 0.f && c.layer_norm_eps <= 1.f)) {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": " + p +
                                       "attention.layer_norm_epsilon must be in (0, 1]");
  }
  c.gelu = GeluKind::kTanh;
  c.attention_bias = true;
  read_vocab(f, p, c);
  validate_decoder_config(c, f.file_name(), ErrorCode::kCorruptModel);
  return c;
}

}  // namespace

DecoderConfig decoder_config_from_gguf(const GgufFile& f, int64_t max_context) {
  const std::string arch(f.architecture());
  if (arch == "gpt2") return gpt2_config_from_gguf(f, max_context);
  if (arch != "llama" && arch != "qwen2") {
    fail(ErrorCode::kUnsupportedArchitecture, f.file_name() + ": general.architecture '" + arch +
                                      "' is not a supported decoder (supported: llama, qwen2, gpt2)");
  }
  const std::string p = arch + ".";
  DecoderConfig c;
  c.model_type = arch;
  c.dim = int_key(f, p + "embedding_length", 1, 1 << 16);
  c.n_layers = int_key(f, p + "block_count", 1, 256);
  c.hidden_dim = int_key(f, p + "feed_forward_length", 1, 1 << 18);
  c.n_heads = int_key(f, p + "attention.head_count", 1, 1024);
  c.n_kv_heads = f.has(p + "attention.head_count_kv")
                     ? int_key(f, p + "attention.head_count_kv", 1, 1024)
                     : c.n_heads;
  if (c.dim % c.n_heads != 0 && !f.has(p + "attention.key_length")) {
    fail(ErrorCode::kCorruptModel, f.file_name() + ": embedding_length " + std::to_string(c.dim) +
                                       " is not a multiple of attention.head_count " +
                                       std::to_string(c.n_heads));
  }
  c.head_dim = f.has(p + "attention.key_length") ? int_key(f, p + "attention.key_length", 2, 1024)
                                                 : c.dim / c.n_heads;
  if (f.has(p + "attention.value_length") &&
      int_key(f, p + "attention.value_length", 1, 1024) != c.head_dim) {
    fail(ErrorCode::kUnsupported, f.file_name() + ": attention.value_length differs from key_length");
  }
  const int64_t trained = int_key(f, p + "context_length", 1, 1 << 24);
  c.max_context = max_context > 0 ? std::min(max_context, trained) : trained;
  // llama.cpp caps nothing here; a huge context_length only sizes our cache,
  // so keep the default within what validate_decoder_config accepts.
  if (max_context <= 0) c.max_context = std::min<int64_t>(c.max_context, 1 << 20);
  c.rope_theta = f.get_f32_or(p + "rope.freq_base", 10000.f);
  c.rms_eps = f.get_f32_or(p + "attention.layer_norm_rms_epsilon", 1e-5f);
  read_rope_scaling(f, p, trained, c);
  if (f.has(p + "rope.dimension_count") &&
      int_key(f, p + "rope.dimension_count", 0, 1 << 16) != c.head_dim) {
    fail(ErrorCode::kUnsupported, f.file_name() + ": partial RoPE (rope.dimension_count != head dim)"
                                                  " is not supported");
  }
  c.rope_layout = arch == "llama" ? RopeLayout::kInterleaved : RopeLayout::kHalfSplit;
  read_vocab(f, p, c);
  c.attention_bias = f.find_tensor("blk.0.attn_q.bias") != nullptr;
  validate_decoder_config(c, f.file_name(), ErrorCode::kCorruptModel);
  return c;
}

}  // namespace pf
