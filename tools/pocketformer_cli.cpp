// The `pocketformer` command line tool.
//   pocketformer convert <hf-dir | llama2c.bin> -o model.gguf
//       [--dtype f32|f16|q8|q4] [--keep-f16 GLOB]... [--tokenizer tokenizer.bin]
//       [--report report.json] [--samples file.txt]
// Converts a Hugging Face Llama/Qwen2 directory or a llama2.c checkpoint to
// one GGUF, then prints the accuracy report (and writes it as JSON).
//   pocketformer prune <hf-dir> -o <out-dir> --heads F --ffn F
//       [--samples file.txt] [--report report.json]
// Structured pruning of a BERT / DistilBERT directory (heads and FFN
// neurons) or a Llama / Qwen2 directory (FFN neurons) into another HF
// directory, then the prune report (and its JSON).
// Exit codes (both commands): 0 success, 1 conversion error, 2 usage error.
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "convert/convert.h"
#include "convert/decoder_prune.h"
#include "convert/prune.h"
#include "core/error.h"

namespace {

const char kUsage[] =
    "usage: pocketformer convert <hf-dir | llama2c.bin> -o model.gguf\n"
    "         [--dtype f32|f16|q8|q4] [--keep-f16 GLOB]... [--tokenizer tokenizer.bin]\n"
    "         [--report report.json] [--samples file.txt]\n"
    "  hf-dir: config.json + model.safetensors (+ tokenizer.model, tokenizer.json)\n"
    "  --keep-f16: also keep tensors whose GGUF name matches GLOB in F16 (q8/q4)\n"
    "  --samples: held-out text for the accuracy report, one sample per line\n"
    "       pocketformer prune <hf-dir> -o <out-dir> --heads FRACTION --ffn FRACTION\n"
    "         [--samples file.txt] [--report report.json]\n"
    "  hf-dir: BERT / DistilBERT config.json + model.safetensors + vocab.txt, or\n"
    "          Llama / Qwen2 config.json + model.safetensors (+ tokenizer.json / tokenizer.model)\n"
    "  --heads / --ffn: share of each layer's attention heads / FFN neurons to remove, in [0, 1)\n"
    "          (decoders: --ffn only)\n"
    "  --samples: rank by activations on this text (one sample per line) instead of weight magnitude\n";

struct UsageError {
  std::string message;
};

bool is_dir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) pf::fail(pf::ErrorCode::kInvalidArgument, "cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  return std::vector<uint8_t>(s.begin(), s.end());
}

void write_file(const std::string& path, const void* data, size_t size) {
  // Write beside the target, then rename: a failed run never leaves a
  // truncated model under the requested name.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) pf::fail(pf::ErrorCode::kInvalidArgument, "cannot write '" + path + "'");
    out.write(static_cast<const char*>(data), (std::streamsize)size);
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      pf::fail(pf::ErrorCode::kInvalidArgument, "writing '" + path + "' failed (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    pf::fail(pf::ErrorCode::kInvalidArgument, "cannot write '" + path + "'");
  }
}

// What both commands take: one input, -o, --report, --samples. Options
// only one command knows go to `option(name, value)`, which returns false
// for names it does not know either; `value()` consumes the option's value.
struct CommonArgs {
  std::string input, output, report_path, samples_path;
};

using OptionHandler =
    std::function<bool(const std::string& name, const std::function<std::string()>& value)>;

CommonArgs parse_args(const std::vector<std::string>& args, const OptionHandler& option) {
  CommonArgs c;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::function<std::string()> value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw UsageError{a + " needs a value"};
      return args[++i];
    };
    if (a == "-o" || a == "--output") {
      c.output = value();
    } else if (a == "--report") {
      c.report_path = value();
    } else if (a == "--samples") {
      c.samples_path = value();
    } else if (!a.empty() && a[0] == '-') {
      if (!option(a, value)) throw UsageError{"unknown option '" + a + "'"};
    } else if (c.input.empty()) {
      c.input = a;
    } else {
      throw UsageError{"more than one input ('" + c.input + "', '" + a + "')"};
    }
  }
  return c;
}

// One sample per non-empty line; none when `path` is empty.
std::vector<std::string> read_samples(const std::string& path) {
  std::vector<std::string> samples;
  if (path.empty()) return samples;
  const auto b = read_file(path);
  std::istringstream lines(std::string(b.begin(), b.end()));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) samples.push_back(line);
  }
  if (samples.empty()) {
    pf::fail(pf::ErrorCode::kInvalidArgument, "'" + path + "' has no non-empty line");
  }
  return samples;
}

int write_conversion(const pf::ConvertResult& result, const std::string& output,
                     const std::string& report_path) {
  write_file(output, result.gguf.data(), result.gguf.size());
  std::cout << "wrote " << output << " (" << result.gguf.size() << " bytes)\n"
            << result.report.to_table();
  if (!report_path.empty()) {
    const std::string json = result.report.to_json() + "\n";
    write_file(report_path, json.data(), json.size());
  }
  return 0;
}

int convert(const std::vector<std::string>& args) {
  std::string tokenizer_path;
  pf::ConvertOptions options;
  const CommonArgs c = parse_args(args, [&](const std::string& a, const auto& value) {
    if (a == "--dtype") {
      const std::string d = value();
      try {
        options.dtype = pf::parse_convert_dtype(d);
      } catch (const pf::Error& e) {
        throw UsageError{e.what()};
      }
    } else if (a == "--keep-f16") {
      options.keep_f16.push_back(value());
    } else if (a == "--tokenizer") {
      tokenizer_path = value();
    } else {
      return false;
    }
    return true;
  });
  const std::string &input = c.input, &output = c.output, &report_path = c.report_path,
                    &samples_path = c.samples_path;
  if (input.empty()) throw UsageError{"no input model given"};
  if (output.empty()) throw UsageError{"no output given (-o model.gguf)"};
  if (!exists(input)) pf::fail(pf::ErrorCode::kInvalidArgument, "input '" + input + "' does not exist");

  std::unique_ptr<pf::ConvertSource> source;
  if (is_dir(input)) {
    const std::string d = input + "/";
    if (!exists(d + "config.json")) {
      pf::fail(pf::ErrorCode::kInvalidArgument, "'" + input + "' has no config.json");
    }
    if (!exists(d + "model.safetensors")) {
      pf::fail(pf::ErrorCode::kInvalidArgument,
               "'" + input + "' has no model.safetensors (sharded checkpoints are not supported yet)");
    }
    const auto cfg = read_file(d + "config.json");
    const std::string cfg_text(cfg.begin(), cfg.end());
    if (pf::is_encoder_config_json(cfg_text)) {
      pf::EncoderConvertSource enc;
      enc.config_json = cfg_text;
      enc.safetensors = read_file(d + "model.safetensors");
      auto text = [&](const std::string& name) {
        if (!exists(d + name)) return std::string();
        const auto b = read_file(d + name);
        return std::string(b.begin(), b.end());
      };
      enc.tokenizer.tokenizer_json = text("tokenizer.json");
      enc.tokenizer.tokenizer_config_json = text("tokenizer_config.json");
      enc.tokenizer.vocab_txt = text("vocab.txt");
      if (enc.tokenizer.tokenizer_json.empty() && enc.tokenizer.vocab_txt.empty()) {
        pf::fail(pf::ErrorCode::kInvalidArgument, "'" + input + "' has no vocab.txt or tokenizer.json");
      }
      return write_conversion(pf::convert_to_gguf(enc, options, read_samples(samples_path)),
                              output, report_path);
    }
    std::vector<uint8_t> spm;
    if (!tokenizer_path.empty()) spm = read_file(tokenizer_path);
    else if (exists(d + "tokenizer.model")) spm = read_file(d + "tokenizer.model");
    std::string tj;
    if (exists(d + "tokenizer.json")) {
      const auto b = read_file(d + "tokenizer.json");
      tj.assign(b.begin(), b.end());
    }
    source = pf::ConvertSource::from_hf(std::string(cfg.begin(), cfg.end()),
                                        read_file(d + "model.safetensors"), std::move(spm), tj,
                                        d + "config.json");
  } else {
    std::vector<uint8_t> tok;
    if (!tokenizer_path.empty()) tok = read_file(tokenizer_path);
    source = pf::ConvertSource::from_llama2c(read_file(input), std::move(tok), input);
  }

  return write_conversion(pf::convert_to_gguf(*source, options, read_samples(samples_path)),
                         output, report_path);
}

// A share of heads / neurons to remove: the whole argument must be a number
// in [0, 1) (1 would remove everything).
double parse_fraction(const std::string& option, const std::string& text) {
  char* end = nullptr;
  const double f = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(f >= 0.0 && f < 1.0)) {
    throw UsageError{option + " '" + text + "' is not a fraction in [0, 1)"};
  }
  return f;
}

// Tokenizer and sentence-transformers files travel with the pruned weights.
bool is_companion_file(const std::string& name) {
  return name.rfind("tokenizer", 0) == 0 || name.rfind("special_tokens", 0) == 0 ||
         name == "vocab.txt" || name == "vocab.json" || name == "merges.txt" ||
         name == "added_tokens.json" || name == "modules.json" ||
         name == "sentence_bert_config.json" || name == "config_sentence_transformers.json" ||
         name == "generation_config.json";
}

pf::PruneResult prune_encoder_dir(const std::string& input, const std::string& config_json,
                                  const pf::PruneOptions& options) {
  const std::string d = input + "/";
  if (!exists(d + "vocab.txt")) {
    pf::fail(pf::ErrorCode::kInvalidArgument,
             "'" + input + "' has no vocab.txt (a BERT / DistilBERT directory is needed)");
  }
  const auto vocab = read_file(d + "vocab.txt");
  return pf::prune_encoder(config_json, read_file(d + "model.safetensors"),
                           std::string(vocab.begin(), vocab.end()), options);
}

// `d`: the input directory with a trailing '/'.
pf::PruneResult prune_decoder_dir(const std::string& d, const std::string& config_json,
                                  bool heads_given, bool ffn_given, const pf::PruneOptions& options) {
  if (heads_given) {
    pf::fail(pf::ErrorCode::kUnsupported,
             "--heads is not supported for decoders yet (head pruning with grouped-query attention); "
             "prune FFN neurons with --ffn");
  }
  if (!ffn_given) throw UsageError{"nothing to prune: give --ffn for a decoder"};
  pf::DecoderPruneInput in;
  in.config_json = config_json;
  in.safetensors = read_file(d + "model.safetensors");
  if (exists(d + "tokenizer.json")) {
    const auto tj = read_file(d + "tokenizer.json");
    in.tokenizer_json.assign(tj.begin(), tj.end());
  } else if (exists(d + "tokenizer.model")) {
    in.tokenizer_model = read_file(d + "tokenizer.model");
  }
  return pf::prune_decoder(in, options);
}

int prune(const std::vector<std::string>& args) {
  pf::PruneOptions options;
  bool heads_given = false, ffn_given = false;
  const CommonArgs c = parse_args(args, [&](const std::string& a, const auto& value) {
    if (a == "--heads") {
      options.heads_fraction = parse_fraction(a, value());
      heads_given = true;
    } else if (a == "--ffn") {
      options.ffn_fraction = parse_fraction(a, value());
      ffn_given = true;
    } else {
      return false;
    }
    return true;
  });
  const std::string &input = c.input, &output = c.output, &report_path = c.report_path,
                    &samples_path = c.samples_path;
  if (input.empty()) throw UsageError{"no input model directory given"};
  if (output.empty()) throw UsageError{"no output directory given (-o <out-dir>)"};
  if (!heads_given && !ffn_given) throw UsageError{"nothing to prune: give --heads and/or --ffn"};
  if (!is_dir(input)) {
    pf::fail(pf::ErrorCode::kInvalidArgument,
             "input '" + input + (exists(input) ? "' is not a directory" : "' does not exist"));
  }
  const std::string d = input + "/";
  for (const char* needed : {"config.json", "model.safetensors"}) {
    if (!exists(d + needed)) {
      pf::fail(pf::ErrorCode::kInvalidArgument, "'" + input + "' has no " + needed +
                                                    " (a directory in Hugging Face layout is needed)");
    }
  }
  const auto cfg = read_file(d + "config.json");
  const std::string config_json(cfg.begin(), cfg.end());
  if (exists(output) && !is_dir(output)) {
    pf::fail(pf::ErrorCode::kInvalidArgument, "output '" + output + "' exists and is not a directory");
  }
  struct stat in_st, out_st;
  if (stat(input.c_str(), &in_st) == 0 && stat(output.c_str(), &out_st) == 0 &&
      in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
    pf::fail(pf::ErrorCode::kInvalidArgument, "output directory is the input directory");
  }
  options.samples = read_samples(samples_path);

  const pf::PruneResult result = pf::is_decoder_config_json(config_json)
                                     ? prune_decoder_dir(d, config_json, heads_given, ffn_given, options)
                                     : prune_encoder_dir(input, config_json, options);
  // Created only now, so a failed pruning leaves nothing behind.
  if (!exists(output) && mkdir(output.c_str(), 0755) != 0) {
    pf::fail(pf::ErrorCode::kInvalidArgument, "cannot create output directory '" + output + "'");
  }
  const std::string o = output + "/";
  write_file(o + "model.safetensors", result.checkpoint.safetensors.data(),
             result.checkpoint.safetensors.size());
  write_file(o + "config.json", result.checkpoint.config_json.data(),
             result.checkpoint.config_json.size());
  if (DIR* dir = opendir(input.c_str())) {
    std::vector<std::string> names;
    while (dirent* e = readdir(dir)) names.push_back(e->d_name);
    closedir(dir);
    for (const std::string& name : names) {
      if (!is_companion_file(name) || is_dir(d + name)) continue;
      const auto bytes = read_file(d + name);
      write_file(o + name, bytes.data(), bytes.size());
    }
  }
  std::cout << "wrote " << output << " (model.safetensors " << result.checkpoint.safetensors.size()
            << " bytes)\n"
            << result.report.to_table();
  if (!report_path.empty()) {
    const std::string json = result.report.to_json() + "\n";
    write_file(report_path, json.data(), json.size());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  try {
    if (args[0] == "convert") return convert({args.begin() + 1, args.end()});
    if (args[0] == "prune") return prune({args.begin() + 1, args.end()});
    throw UsageError{"unknown command '" + args[0] + "'"};
  } catch (const UsageError& e) {
    std::cerr << "pocketformer: " << e.message << "\n" << kUsage;
    return 2;
  } catch (const pf::Error& e) {
    std::cerr << "pocketformer: error (" << pf::error_code_name(e.code()) << "): " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "pocketformer: error: out of memory\n";
    return 1;
  }
}
