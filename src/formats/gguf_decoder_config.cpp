#include "formats/gguf_decoder_config.h"

#include <algorithm>
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

}  // namespace

DecoderConfig decoder_config_from_gguf(const GgufFile& f, int64_t max_context) {
  const std::string arch(f.architecture());
  if (arch != "llama" && arch != "qwen2") {
    fail(ErrorCode::kUnsupported, f.file_name() + ": general.architecture '" + arch +
                                      "' is not a supported decoder (supported: llama, qwen2)");
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
  if (f.has(p + "rope.scaling.type")) {
    const std::string_view type = f.get_string(p + "rope.scaling.type");
    if (type != "none") {
      fail(ErrorCode::kUnsupported, f.file_name() + ": rope scaling '" + std::string(type) +
                                        "' is not supported yet");
    }
  }
  if (f.has(p + "rope.dimension_count") &&
      int_key(f, p + "rope.dimension_count", 0, 1 << 16) != c.head_dim) {
    fail(ErrorCode::kUnsupported, f.file_name() + ": partial RoPE (rope.dimension_count != head dim)"
                                                  " is not supported");
  }
  // Llama 3.1-style frequency factors arrive as a tensor, not a key.
  if (f.find_tensor("rope_freqs.weight") != nullptr) {
    fail(ErrorCode::kUnsupported, f.file_name() + ": rope_freqs.weight (Llama 3.1 RoPE frequency "
                                                  "scaling) is not supported yet");
  }
  c.rope_layout = arch == "llama" ? RopeLayout::kInterleaved : RopeLayout::kHalfSplit;
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
  c.attention_bias = f.find_tensor("blk.0.attn_q.bias") != nullptr;
  if (f.has("tokenizer.ggml.bos_token_id")) {
    c.bos_token_id = f.get_i64("tokenizer.ggml.bos_token_id");
    if (c.bos_token_id < 0 || c.bos_token_id >= c.vocab_size) c.bos_token_id = -1;
  }
  if (f.has("tokenizer.ggml.eos_token_id")) {
    const int64_t eos = f.get_i64("tokenizer.ggml.eos_token_id");
    if (eos >= 0 && eos < c.vocab_size) c.eos_token_ids.push_back(eos);
  }
  if (f.has("tokenizer.ggml.eot_token_id")) {
    const int64_t eot = f.get_i64("tokenizer.ggml.eot_token_id");
    if (eot >= 0 && eot < c.vocab_size &&
        std::find(c.eos_token_ids.begin(), c.eos_token_ids.end(), eot) == c.eos_token_ids.end()) {
      c.eos_token_ids.push_back(eot);
    }
  }
  // Our converter's own key: every id that ends generation (llama2.c stops
  // at BOS too), which llama.cpp's single eos key cannot say.
  if (f.has("pocketformer.eos_token_ids")) {
    for (int32_t id : f.get_i32_array("pocketformer.eos_token_ids")) {
      if (id >= 0 && id < c.vocab_size &&
          std::find(c.eos_token_ids.begin(), c.eos_token_ids.end(), id) == c.eos_token_ids.end()) {
        c.eos_token_ids.push_back(id);
      }
    }
  }
  validate_decoder_config(c, f.file_name(), ErrorCode::kCorruptModel);
  return c;
}

}  // namespace pf
