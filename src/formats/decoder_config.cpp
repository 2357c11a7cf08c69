#include "formats/decoder_config.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace pf {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& file, const std::string& what) {
  fail(ErrorCode::kBadConfig, file + ": " + what);
}

// Integer field within [lo, hi]; the bounds keep later size arithmetic far
// from overflow.
int64_t int_field(const json& cfg, const std::string& file, const char* key, int64_t lo,
                  int64_t hi, bool required, int64_t fallback = 0) {
  if (!cfg.contains(key) || cfg[key].is_null()) {
    if (required) bad(file, std::string("missing required field '") + key + "'");
    return fallback;
  }
  const json& v = cfg[key];
  if (!v.is_number_integer()) bad(file, std::string("field '") + key + "' is not an integer");
  // Unsigned JSON numbers may exceed int64: bound them before converting.
  const bool fits = !v.is_number_unsigned() || v.get<uint64_t>() <= (uint64_t)hi;
  const bool in_range = fits && v.get<int64_t>() >= lo && v.get<int64_t>() <= hi;
  if (!in_range) {
    bad(file, std::string("field '") + key + "' = " + v.dump() + " is outside [" +
                  std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return v.get<int64_t>();
}

double number_field(const json& cfg, const std::string& file, const char* key, double lo,
                    double hi, double fallback) {
  if (!cfg.contains(key) || cfg[key].is_null()) return fallback;
  const json& v = cfg[key];
  if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi)) {
    bad(file, std::string("field '") + key + "' must be a number in [" + std::to_string(lo) +
                  ", " + std::to_string(hi) + "]");
  }
  return v.get<double>();
}


bool bool_field(const json& cfg, const std::string& file, const char* key, bool fallback) {
  if (!cfg.contains(key) || cfg[key].is_null()) return fallback;
  if (!cfg[key].is_boolean()) bad(file, std::string("field '") + key + "' is not a boolean");
  return cfg[key].get<bool>();
}

// ---- rope_scaling (HF modeling_rope_utils' rope types) ---------------------

// Parses config.json's rope_scaling into c.rope_scaling and widens
// c.max_context where the scaling extends the usable context.
// max_positions: max_position_embeddings; max_context: the caller's cap.
void parse_rope_scaling(const json& cfg, const std::string& file, int64_t max_positions,
                        int64_t max_context, DecoderConfig& c) {
  if (!cfg.contains("rope_scaling") || cfg["rope_scaling"].is_null()) return;
  const json& rs = cfg["rope_scaling"];
  if (!rs.is_object()) bad(file, "field 'rope_scaling' is not an object");
  // Old configs say "type", newer ones "rope_type" (HF reads either).
  const char* type_key = rs.contains("rope_type") ? "rope_type" : "type";
  std::string type = "default";
  if (rs.contains(type_key) && !rs[type_key].is_null()) {
    if (!rs[type_key].is_string()) bad(file, std::string("rope_scaling.") + type_key + " is not a string");
    type = rs[type_key].get<std::string>();
  }
  RopeScaling& s = c.rope_scaling;
  if (type == "default") return;
  if (type == "linear") {
    s.type = RopeScaling::Type::kLinear;
  } else if (type == "dynamic") {
    s.type = RopeScaling::Type::kDynamic;
  } else if (type == "llama3") {
    s.type = RopeScaling::Type::kLlama3;
  } else if (type == "yarn") {
    s.type = RopeScaling::Type::kYarn;
  } else {
    fail(ErrorCode::kUnsupported, file + ": rope_scaling type '" + type +
                                      "' is not supported (supported: default, linear, dynamic, "
                                      "llama3, yarn)");
  }
  auto need = [&](const char* key) {
    if (!rs.contains(key) || rs[key].is_null()) {
      bad(file, "rope_scaling '" + type + "' needs field '" + key + "'");
    }
  };
  need("factor");
  s.factor = number_field(rs, file, "factor", 1.0, 1024.0, 1.0);
  s.original_max_positions = max_positions;
  if (s.type == RopeScaling::Type::kLlama3) {
    need("low_freq_factor");
    need("high_freq_factor");
    need("original_max_position_embeddings");
    s.low_freq_factor = number_field(rs, file, "low_freq_factor", 1e-6, 1e6, 1.0);
    s.high_freq_factor = number_field(rs, file, "high_freq_factor", 1e-6, 1e6, 4.0);
    s.original_max_positions =
        int_field(rs, file, "original_max_position_embeddings", 1, 1 << 24, true);
  }
  if (s.type == RopeScaling::Type::kYarn) {
    // As current transformers: factor as given, the original length from
    // rope_scaling (else max_position_embeddings), attention factor given
    // or 0.1 ln(factor) + 1 (the mscale / mscale_all_dim ratio when both set).
    s.original_max_positions = int_field(rs, file, "original_max_position_embeddings", 1,
                                         1 << 24, false, max_positions);
    s.beta_fast = number_field(rs, file, "beta_fast", 1e-6, 1e6, 32.0);
    s.beta_slow = number_field(rs, file, "beta_slow", 1e-6, 1e6, 1.0);
    s.truncate = bool_field(rs, file, "truncate", true);
    auto mscale = [&](double m) { return s.factor <= 1.0 ? 1.0 : 0.1 * m * std::log(s.factor) + 1.0; };
    const double m = number_field(rs, file, "mscale", 0.0, 1e6, 0.0);
    const double m_all = number_field(rs, file, "mscale_all_dim", 0.0, 1e6, 0.0);
    s.attention_factor = m != 0.0 && m_all != 0.0 ? mscale(m) / mscale(m_all) : mscale(1.0);
    s.attention_factor = number_field(rs, file, "attention_factor", 0.0, 1e6, s.attention_factor);
  }
  // NTK scaling exists to run past the trained length; allow (and by
  // default size the cache for) factor times it. YaRN likewise extends its
  // original length by factor.
  int64_t limit = max_positions;
  if (s.type == RopeScaling::Type::kDynamic || s.type == RopeScaling::Type::kYarn) {
    limit = std::max<int64_t>(limit, (int64_t)((double)s.original_max_positions * s.factor));
  }
  limit = std::min<int64_t>(limit, 1 << 20);
  c.max_context = max_context > 0 ? std::min(max_context, limit) : limit;
}

// ---- GPT-2 (GPT2LMHeadModel, DistilGPT2) ----------------------------------


// Options of GPT2Config that change the computation in ways we do not
// implement: refuse them by name rather than produce wrong logits.
void reject_gpt2_option(const json& cfg, const std::string& file, const char* key, bool unsupported,
                        bool fallback) {
  if (bool_field(cfg, file, key, fallback) == unsupported) {
    fail(ErrorCode::kUnsupported, file + ": " + key + " = " + (unsupported ? "true" : "false") +
                                      " is not supported for gpt2");
  }
}

DecoderConfig parse_gpt2_config(const json& cfg, int64_t max_context, const std::string& file) {
  DecoderConfig c;
  c.model_type = "gpt2";
  c.vocab_size = int_field(cfg, file, "vocab_size", 1, 1 << 22, true);
  c.dim = int_field(cfg, file, "n_embd", 1, 1 << 16, true);
  c.n_layers = int_field(cfg, file, "n_layer", 1, 256, true);
  c.n_heads = int_field(cfg, file, "n_head", 1, 1024, true);
  c.n_kv_heads = c.n_heads;  // plain multi-head attention
  if (c.dim % c.n_heads != 0) {
    bad(file, "n_embd " + std::to_string(c.dim) + " is not a multiple of n_head " +
                  std::to_string(c.n_heads));
  }
  c.head_dim = c.dim / c.n_heads;
  // n_inner null (the usual case) means 4 * n_embd.
  c.hidden_dim = int_field(cfg, file, "n_inner", 1, 1 << 18, false, 4 * c.dim);
  // Old configs name the position table size n_ctx.
  const bool has_positions = cfg.contains("n_positions") && !cfg["n_positions"].is_null();
  c.max_positions = int_field(cfg, file, has_positions ? "n_positions" : "n_ctx", 1, 1 << 20, true);
  c.max_context = max_context > 0 ? std::min(max_context, c.max_positions) : c.max_positions;
  c.layer_norm_eps = (float)number_field(cfg, file, "layer_norm_epsilon", 1e-12, 1.0, 1e-5);
  std::string act = "gelu_new";  // GPT2Config's default
  if (cfg.contains("activation_function") && !cfg["activation_function"].is_null()) {
    if (!cfg["activation_function"].is_string()) {
      bad(file, "field 'activation_function' is not a string");
    }
    act = cfg["activation_function"].get<std::string>();
  }
  if (act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "gelu_fast") {
    c.gelu = GeluKind::kTanh;  // the same function, computed in different ways
  } else if (act == "gelu") {
    c.gelu = GeluKind::kErf;
  } else {
    fail(ErrorCode::kUnsupported, file + ": activation_function '" + act +
                                      "' is not supported (supported: gelu_new, "
                                      "gelu_pytorch_tanh, gelu_fast, gelu)");
  }
  // GPT2LMHeadModel ties lm_head to wte unless told otherwise.
  c.tied_embeddings = bool_field(cfg, file, "tie_word_embeddings", true);
  c.attention_bias = true;
  reject_gpt2_option(cfg, file, "scale_attn_weights", false, true);
  reject_gpt2_option(cfg, file, "scale_attn_by_inverse_layer_idx", true, false);
  reject_gpt2_option(cfg, file, "reorder_and_upcast_attn", true, false);
  reject_gpt2_option(cfg, file, "add_cross_attention", true, false);
  c.bos_token_id = int_field(cfg, file, "bos_token_id", 0, c.vocab_size - 1, false, -1);
  const int64_t eos = int_field(cfg, file, "eos_token_id", 0, c.vocab_size - 1, false, -1);
  if (eos >= 0) c.eos_token_ids.push_back(eos);
  validate_decoder_config(c, file);
  return c;
}

}  // namespace

void validate_decoder_config(const DecoderConfig& c, const std::string& source,
                             ErrorCode code) {
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) fail(code, source + ": " + what);
  };
  check(c.vocab_size >= 1 && c.vocab_size <= (1 << 22), "vocab_size " +
        std::to_string(c.vocab_size) + " is outside [1, 4194304]");
  check(c.dim >= 1 && c.dim <= (1 << 16), "dim " + std::to_string(c.dim) + " is outside [1, 65536]");
  check(c.n_layers >= 1 && c.n_layers <= 256, "n_layers " + std::to_string(c.n_layers) +
        " is outside [1, 256]");
  check(c.n_heads >= 1 && c.n_heads <= 1024, "n_heads " + std::to_string(c.n_heads) +
        " is outside [1, 1024]");
  check(c.n_kv_heads >= 1 && c.n_kv_heads <= c.n_heads, "n_kv_heads " +
        std::to_string(c.n_kv_heads) + " is outside [1, n_heads]");
  check(c.n_heads % c.n_kv_heads == 0, "n_heads " + std::to_string(c.n_heads) +
        " is not a multiple of n_kv_heads " + std::to_string(c.n_kv_heads));
  check(c.head_dim >= 2 && c.head_dim <= 1024 && c.head_dim % 2 == 0,
        "head_dim " + std::to_string(c.head_dim) + " must be even and in [2, 1024]");
  check(c.hidden_dim >= 1 && c.hidden_dim <= (1 << 18), "hidden_dim " +
        std::to_string(c.hidden_dim) + " is outside [1, 262144]");
  check(c.max_context >= 1 && c.max_context <= (1 << 20), "max_context " +
        std::to_string(c.max_context) + " is outside [1, 1048576]");
  check(c.rope_theta > 1.f && c.rope_theta < 1e12f, "rope_theta must be in (1, 1e12)");
  check(c.rms_eps > 0.f && c.rms_eps <= 1.f, "rms_eps must be in (0, 1]");
  const RopeScaling& s = c.rope_scaling;
  if (s.type != RopeScaling::Type::kNone) {
    check(s.factor >= 1.0 && s.factor <= 1024.0, "rope scaling factor must be in [1, 1024]");
  }
  if (s.type == RopeScaling::Type::kDynamic || s.type == RopeScaling::Type::kLlama3 ||
      s.type == RopeScaling::Type::kYarn) {
    check(s.original_max_positions >= 1 && s.original_max_positions <= (1 << 24),
          "rope scaling original context length must be in [1, 16777216]");
  }
  if (s.type == RopeScaling::Type::kLlama3) {
    check(s.low_freq_factor > 0.0 && s.high_freq_factor > s.low_freq_factor,
          "llama3 rope scaling needs 0 < low_freq_factor < high_freq_factor");
  }
  if (s.type == RopeScaling::Type::kYarn) {
    check(s.beta_fast > 0.0 && s.beta_slow > 0.0, "yarn beta_fast / beta_slow must be positive");
    check(s.attention_factor > 0.0 && s.attention_factor < 1e6,
          "yarn attention factor must be in (0, 1e6)");
  }
  if (!s.freq_factors.empty()) {
    check(s.freq_factors.size() == (size_t)c.head_dim / 2,
          "rope frequency factors: " + std::to_string(s.freq_factors.size()) + " values for " +
              std::to_string(c.head_dim / 2) + " frequencies");
    for (float f : s.freq_factors) {
      check(std::isfinite(f) && f > 0.f, "rope frequency factors must be finite and positive");
    }
  }
}

DecoderConfig parse_decoder_config(const std::string& json_text, int64_t max_context,
                                   const std::string& file) {
  const json cfg = json::parse(json_text, nullptr, false);
  if (cfg.is_discarded()) bad(file, "not valid JSON");
  if (!cfg.is_object()) bad(file, "JSON is not an object");
  DecoderConfig c;
  if (cfg.contains("model_type") && cfg["model_type"].is_string()) {
    c.model_type = cfg["model_type"].get<std::string>();
  }
  if (c.model_type == "gpt2") return parse_gpt2_config(cfg, max_context, file);
  if (c.model_type != "llama" && c.model_type != "qwen2") {
    fail(ErrorCode::kUnsupportedArchitecture, file + ": model_type '" + c.model_type +
                                      "' is not a supported decoder (supported: llama, qwen2, gpt2)");
  }
  c.vocab_size = int_field(cfg, file, "vocab_size", 1, 1 << 22, true);
  c.dim = int_field(cfg, file, "hidden_size", 1, 1 << 16, true);
  c.n_layers = int_field(cfg, file, "num_hidden_layers", 1, 256, true);
  c.n_heads = int_field(cfg, file, "num_attention_heads", 1, 1024, true);
  c.n_kv_heads = int_field(cfg, file, "num_key_value_heads", 1, 1024, false, c.n_heads);
  if (c.dim % c.n_heads != 0 && !cfg.contains("head_dim")) {
    bad(file, "hidden_size " + std::to_string(c.dim) + " is not a multiple of num_attention_heads " +
                  std::to_string(c.n_heads));
  }
  c.head_dim = int_field(cfg, file, "head_dim", 2, 1024, false, c.dim / c.n_heads);
  c.hidden_dim = int_field(cfg, file, "intermediate_size", 1, 1 << 18, true);
  const int64_t max_positions = int_field(cfg, file, "max_position_embeddings", 1, 1 << 24, true);
  c.max_context = max_context > 0 ? std::min(max_context, max_positions) : max_positions;
  c.rope_theta = (float)number_field(cfg, file, "rope_theta", 1.0000001, 1e12, 10000.0);
  c.rms_eps = (float)number_field(cfg, file, "rms_norm_eps", 1e-12, 1.0, 1e-6);
  c.rope_layout = RopeLayout::kHalfSplit;  // HF q/k weights are in rotate_half order
  c.tied_embeddings = cfg.contains("tie_word_embeddings") && cfg["tie_word_embeddings"].is_boolean()
                          ? cfg["tie_word_embeddings"].get<bool>()
                          : false;  // the default of LlamaConfig and Qwen2Config
  if (cfg.contains("tie_word_embeddings") && !cfg["tie_word_embeddings"].is_boolean()) {
    bad(file, "field 'tie_word_embeddings' is not a boolean");
  }
  // Qwen2 always has q/k/v biases; Llama has them only with attention_bias.
  c.attention_bias = c.model_type == "qwen2";
  if (cfg.contains("attention_bias")) {
    if (!cfg["attention_bias"].is_boolean()) bad(file, "field 'attention_bias' is not a boolean");
    if (c.model_type == "llama") c.attention_bias = cfg["attention_bias"].get<bool>();
  }
  parse_rope_scaling(cfg, file, max_positions, max_context, c);
  if (cfg.contains("hidden_act") && cfg["hidden_act"] != "silu") {
    fail(ErrorCode::kUnsupported, file + ": hidden_act " + cfg["hidden_act"].dump() +
                                      " is not supported (supported: silu)");
  }
  c.bos_token_id = int_field(cfg, file, "bos_token_id", 0, c.vocab_size - 1, false, -1);
  if (cfg.contains("eos_token_id") && !cfg["eos_token_id"].is_null()) {
    const json& e = cfg["eos_token_id"];
    const json list = e.is_array() ? e : json::array({e});
    for (const json& id : list) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= c.vocab_size) {
        bad(file, "field 'eos_token_id' must hold token ids in [0, vocab_size)");
      }
      c.eos_token_ids.push_back(id.get<int64_t>());
    }
  }
  validate_decoder_config(c, file);
  return c;
}

}  // namespace pf
