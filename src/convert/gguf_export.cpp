#include "convert/gguf_export.h"

#include <cmath>
#include <cstring>

#include "convert/gguf_bpe_export.h"
#include "core/error.h"
#include "formats/gguf_writer.h"
#include "models/gguf_decoder_weights.h"

namespace pf {

ConvertDtype parse_convert_dtype(const std::string& name) {
  if (name == "f32") return ConvertDtype::kF32;
  if (name == "f16") return ConvertDtype::kF16;
  if (name == "q8" || name == "q8_0") return ConvertDtype::kQ8_0;
  if (name == "q4" || name == "q4_0") return ConvertDtype::kQ4_0;
  fail(ErrorCode::kInvalidArgument,
       "unknown dtype '" + name + "' (expected f32, f16, q8 or q4)");
}

const char* convert_dtype_name(ConvertDtype dtype) {
  switch (dtype) {
    case ConvertDtype::kF32: return "f32";
    case ConvertDtype::kF16: return "f16";
    case ConvertDtype::kQ8_0: return "q8";
    case ConvertDtype::kQ4_0: return "q4";
  }
  return "?";
}

bool glob_match(const std::string& p, const std::string& t) {
  // Iterative matcher with one backtrack point for the last '*'.
  size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi, ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

GgmlType storage_type(const std::string& name, int64_t ne0, const ConvertOptions& o) {
  switch (o.dtype) {
    case ConvertDtype::kF32: return GgmlType::kF32;
    case ConvertDtype::kF16: return GgmlType::kF16;
    default: break;
  }
  if (name == "token_embd.weight" || name == "output.weight") return GgmlType::kF16;
  for (const std::string& g : o.keep_f16) {
    if (glob_match(g, name)) return GgmlType::kF16;
  }
  if (ne0 % 32 != 0) return GgmlType::kF16;
  return o.dtype == ConvertDtype::kQ8_0 ? GgmlType::kQ8_0 : GgmlType::kQ4_0;
}

std::vector<float> permute_to_interleaved(const std::vector<float>& w, int64_t heads,
                                          int64_t head_dim, int64_t cols) {
  std::vector<float> out(w.size());
  const int64_t half = head_dim / 2;
  for (int64_t h = 0; h < heads; ++h) {
    for (int64_t i = 0; i < half; ++i) {
      for (int64_t j = 0; j < 2; ++j) {
        const float* src = &w[(size_t)((h * head_dim + j * half + i) * cols)];
        float* dst = &out[(size_t)((h * head_dim + 2 * i + j) * cols)];
        std::memcpy(dst, src, (size_t)cols * sizeof(float));
      }
    }
  }
  return out;
}

void write_general_keys(GgufWriter& w, const std::string& architecture, const std::string& name,
                        ConvertDtype dtype) {
  w.add_string("general.architecture", architecture);
  w.add_string("general.name", name);
  // llama.cpp's llama_ftype numbers.
  uint32_t file_type = 0;  // ALL_F32
  switch (dtype) {
    case ConvertDtype::kF32: file_type = 0; break;
    case ConvertDtype::kF16: file_type = 1; break;   // MOSTLY_F16
    case ConvertDtype::kQ4_0: file_type = 2; break;  // MOSTLY_Q4_0
    case ConvertDtype::kQ8_0: file_type = 7; break;  // MOSTLY_Q8_0
  }
  w.add_u32("general.file_type", file_type);
  if (dtype == ConvertDtype::kQ8_0 || dtype == ConvertDtype::kQ4_0) {
    w.add_u32("general.quantization_version", 2);
  }
}

namespace {

void write_vocab(GgufWriter& w, const SentencePieceTokenizer& tok, const DecoderConfig& c) {
  const size_t n = tok.vocab_size();
  std::vector<std::string> tokens(n);
  std::vector<float> scores(n);
  std::vector<int32_t> types(n);
  int32_t unk = -1;
  for (size_t i = 0; i < n; ++i) {
    tokens[i] = tok.id_to_piece((int32_t)i);
    scores[i] = tok.score((int32_t)i);
    types[i] = (int32_t)tok.piece_type((int32_t)i);
    if (tok.piece_type((int32_t)i) == SpmPieceType::kUnknown && unk < 0) unk = (int32_t)i;
  }
  // The checkpoint may pad its vocab past the tokenizer's (HF does to a
  // multiple of 64): llama.cpp wants one token per embedding row.
  for (size_t i = n; i < (size_t)c.vocab_size; ++i) {
    tokens.push_back("[PAD" + std::to_string(i) + "]");
    scores.push_back(0.f);
    types.push_back((int32_t)SpmPieceType::kUnused);
  }
  w.add_string("tokenizer.ggml.model", "llama");
  w.add_string_array("tokenizer.ggml.tokens", tokens);
  w.add_f32_array("tokenizer.ggml.scores", scores);
  w.add_i32_array("tokenizer.ggml.token_type", types);
  if (tok.bos_id() >= 0) w.add_u32("tokenizer.ggml.bos_token_id", (uint32_t)tok.bos_id());
  if (tok.eos_id() >= 0) w.add_u32("tokenizer.ggml.eos_token_id", (uint32_t)tok.eos_id());
  if (unk >= 0) w.add_u32("tokenizer.ggml.unknown_token_id", (uint32_t)unk);
  if (tok.pad_id() >= 0) w.add_u32("tokenizer.ggml.padding_token_id", (uint32_t)tok.pad_id());
  w.add_bool("tokenizer.ggml.add_bos_token", tok.bos_id() >= 0);
  w.add_bool("tokenizer.ggml.add_eos_token", false);
  w.add_bool("tokenizer.ggml.add_space_prefix", tok.options().add_dummy_prefix);
}

// rope_scaling in llama.cpp's terms: linear and yarn as rope.scaling.* keys,
// Llama 3.1's per-frequency divisors as the rope_freqs.weight tensor (as
// convert_hf_to_gguf writes them). llama.cpp has no dynamic NTK scaling.
void write_rope_scaling(GgufWriter& w, const std::string& p, const DecoderConfig& c) {
  const RopeScaling& s = c.rope_scaling;
  switch (s.type) {
    case RopeScaling::Type::kNone: break;
    case RopeScaling::Type::kLinear:
      w.add_string(p + "rope.scaling.type", "linear");
      w.add_f32(p + "rope.scaling.factor", (float)s.factor);
      break;
    case RopeScaling::Type::kYarn:
      if (s.beta_fast != 32.0 || s.beta_slow != 1.0 || !s.truncate ||
          std::fabs(s.attention_factor - (0.1 * std::log(s.factor) + 1.0)) > 1e-6) {
        fail(ErrorCode::kUnsupported, "yarn rope_scaling with non-default beta_fast / beta_slow / "
                                      "truncate / attention factor cannot be written as GGUF");
      }
      w.add_string(p + "rope.scaling.type", "yarn");
      w.add_f32(p + "rope.scaling.factor", (float)s.factor);
      w.add_u32(p + "rope.scaling.original_context_length", (uint32_t)s.original_max_positions);
      break;
    case RopeScaling::Type::kLlama3: {
      RopeScaling none;
      const std::vector<float> base = rope_inv_freq((size_t)c.head_dim, c.rope_theta, none);
      const std::vector<float> scaled = rope_inv_freq((size_t)c.head_dim, c.rope_theta, s);
      std::vector<float> divisors(base.size());
      for (size_t i = 0; i < base.size(); ++i) divisors[i] = base[i] / scaled[i];
      w.add_tensor("rope_freqs.weight", {(int64_t)divisors.size()}, GgmlType::kF32,
                   divisors.data(), divisors.size());
      break;
    }
    case RopeScaling::Type::kDynamic:
      fail(ErrorCode::kUnsupported, "rope_scaling 'dynamic' (NTK) has no GGUF/llama.cpp form");
  }
}

}  // namespace

std::vector<uint8_t> export_decoder_gguf(const ConvertSource& source, const ConvertOptions& o,
                                         std::vector<std::string>* notes) {
  const DecoderConfig& c = source.config();
  // llama.cpp's "llama" architecture means interleaved RoPE; Qwen2 keeps
  // HF's rotate_half order (llama.cpp runs it with NEOX RoPE).
  const std::string arch = c.model_type == "qwen2" ? "qwen2" : "llama";
  const bool permute = arch == "llama" && c.rope_layout == RopeLayout::kHalfSplit;
  if (arch == "qwen2" && c.rope_layout != RopeLayout::kHalfSplit) {
    fail(ErrorCode::kUnsupported, "qwen2 with interleaved RoPE cannot be written as GGUF");
  }
  for (int l = 0; l < (int)c.n_layers; ++l) {
    // feed_forward_length is one number: a structurally pruned checkpoint
    // (per-layer FFN widths) has no GGUF form here yet.
    const int64_t width = source.weights().ffn_width(c, l);
    if (width != c.hidden_dim) {
      fail(ErrorCode::kUnsupported, "layer " + std::to_string(l) + " has FFN width " +
                                        std::to_string(width) + ", not intermediate_size " +
                                        std::to_string(c.hidden_dim) +
                                        ": converting FFN-pruned decoders to GGUF is not supported");
    }
  }
  if (arch == "llama" && c.attention_bias) {
    if (notes) notes->push_back("llama with q/k/v biases: bias tensors written as blk.N.attn_*.bias");
  }
  GgufWriter w;
  const std::string p = arch + ".";
  write_general_keys(w, arch,
                     source.kind() == "llama2c" ? "llama2.c checkpoint" : "Hugging Face " + c.model_type,
                     o.dtype);
  w.add_u32(p + "context_length", (uint32_t)c.max_context);
  w.add_u32(p + "embedding_length", (uint32_t)c.dim);
  w.add_u32(p + "block_count", (uint32_t)c.n_layers);
  w.add_u32(p + "feed_forward_length", (uint32_t)c.hidden_dim);
  w.add_u32(p + "attention.head_count", (uint32_t)c.n_heads);
  w.add_u32(p + "attention.head_count_kv", (uint32_t)c.n_kv_heads);
  w.add_f32(p + "rope.freq_base", c.rope_theta);
  w.add_u32(p + "rope.dimension_count", (uint32_t)c.head_dim);
  w.add_f32(p + "attention.layer_norm_rms_epsilon", c.rms_eps);
  w.add_u32(p + "vocab_size", (uint32_t)c.vocab_size);
  write_rope_scaling(w, p, c);
  if (c.head_dim * c.n_heads != c.dim) {
    w.add_u32(p + "attention.key_length", (uint32_t)c.head_dim);
    w.add_u32(p + "attention.value_length", (uint32_t)c.head_dim);
  }
  w.add_string("pocketformer.source", source.kind());
  w.add_string("pocketformer.dtype", convert_dtype_name(o.dtype));
  std::vector<int32_t> eos(c.eos_token_ids.begin(), c.eos_token_ids.end());
  if (!eos.empty()) w.add_i32_array("pocketformer.eos_token_ids", eos);

  if (const SentencePieceTokenizer* tok = source.tokenizer()) {
    write_vocab(w, *tok, c);
  } else {
    // A byte-level BPE tokenizer.json (GPT-2, Llama 3, Qwen2, SmolLM, ...)
    // becomes a "gpt2" vocab with its tokenizer.ggml.pre name.
    std::string why = "no tokenizer.json";
    const int64_t eos0 = c.eos_token_ids.empty() ? -1 : c.eos_token_ids[0];
    if (source.tokenizer_json().empty() ||
        !write_byte_level_bpe_vocab(w, source.tokenizer_json(), c.vocab_size, c.bos_token_id, eos0, &why)) {
      if (c.bos_token_id >= 0) w.add_u32("tokenizer.ggml.bos_token_id", (uint32_t)c.bos_token_id);
      if (eos0 >= 0) w.add_u32("tokenizer.ggml.eos_token_id", (uint32_t)eos0);
      if (notes) {
        notes->push_back("no SentencePiece or byte-level BPE vocab in the source (" + why +
                         "): the GGUF has no tokenizer.ggml.* vocab");
      }
    }
  }
  if (!source.tokenizer_json().empty()) {
    w.add_string("tokenizer.huggingface.json", source.tokenizer_json());
  }

  const DecoderWeightSource& src = source.weights();
  auto put = [&](DecoderTensor t, int layer, int64_t rows, int64_t cols, bool matrix) {
    std::vector<float> v = src.get(t, layer);
    if (permute && (t == DecoderTensor::kQuery || t == DecoderTensor::kKey)) {
      v = permute_to_interleaved(v, t == DecoderTensor::kQuery ? c.n_heads : c.n_kv_heads,
                                 c.head_dim, cols);
    }
    if (permute && (t == DecoderTensor::kQueryBias || t == DecoderTensor::kKeyBias)) {
      v = permute_to_interleaved(v, t == DecoderTensor::kQueryBias ? c.n_heads : c.n_kv_heads,
                                 c.head_dim, 1);
    }
    const std::string name = GgufDecoderWeights::tensor_name(t, layer);
    const GgmlType type = matrix ? storage_type(name, cols, o) : GgmlType::kF32;
    if (notes && matrix && o.dtype != ConvertDtype::kF32 && o.dtype != ConvertDtype::kF16 &&
        cols % 32 != 0) {
      notes->push_back(name + ": rows of " + std::to_string(cols) +
                       " are not a multiple of 32, stored as F16");
    }
    const std::vector<int64_t> ne = matrix ? std::vector<int64_t>{cols, rows}
                                           : std::vector<int64_t>{cols};
    w.add_tensor(name, ne, type, v.data(), v.size());
  };
  put(DecoderTensor::kTokenEmbedding, 0, c.vocab_size, c.dim, true);
  for (int l = 0; l < (int)c.n_layers; ++l) {
    put(DecoderTensor::kAttentionNorm, l, 1, c.dim, false);
    put(DecoderTensor::kQuery, l, c.q_dim(), c.dim, true);
    put(DecoderTensor::kKey, l, c.kv_dim(), c.dim, true);
    put(DecoderTensor::kValue, l, c.kv_dim(), c.dim, true);
    if (c.attention_bias) {
      put(DecoderTensor::kQueryBias, l, 1, c.q_dim(), false);
      put(DecoderTensor::kKeyBias, l, 1, c.kv_dim(), false);
      put(DecoderTensor::kValueBias, l, 1, c.kv_dim(), false);
    }
    put(DecoderTensor::kAttentionOut, l, c.dim, c.q_dim(), true);
    put(DecoderTensor::kFfnNorm, l, 1, c.dim, false);
    put(DecoderTensor::kGate, l, c.hidden_dim, c.dim, true);
    put(DecoderTensor::kUp, l, c.hidden_dim, c.dim, true);
    put(DecoderTensor::kDown, l, c.dim, c.hidden_dim, true);
  }
  put(DecoderTensor::kFinalNorm, 0, 1, c.dim, false);
  if (!c.tied_embeddings) put(DecoderTensor::kLmHead, 0, c.vocab_size, c.dim, true);
  return w.finish();
}

}  // namespace pf
