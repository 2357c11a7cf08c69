// The `pocketformer` command line tool.
//   pocketformer convert <hf-dir | llama2c.bin> -o model.gguf
//       [--dtype f32|f16|q8|q4] [--keep-f16 GLOB]... [--tokenizer tokenizer.bin]
//       [--report report.json] [--samples file.txt]
// Converts a Hugging Face Llama/Qwen2 directory or a llama2.c checkpoint to
// one GGUF, then prints the accuracy report (and writes it as JSON).
// Exit codes: 0 success, 1 conversion error, 2 usage error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "convert/convert.h"
#include "core/error.h"

namespace {

const char kUsage[] =
    "usage: pocketformer convert <hf-dir | llama2c.bin> -o model.gguf\n"
    "         [--dtype f32|f16|q8|q4] [--keep-f16 GLOB]... [--tokenizer tokenizer.bin]\n"
    "         [--report report.json] [--samples file.txt]\n"
    "  hf-dir: config.json + model.safetensors (+ tokenizer.model, tokenizer.json)\n"
    "  --keep-f16: also keep tensors whose GGUF name matches GLOB in F16 (q8/q4)\n"
    "  --samples: held-out text for the accuracy report, one sample per line\n";

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

int convert(const std::vector<std::string>& args) {
  std::string input, output, report_path, samples_path, tokenizer_path;
  pf::ConvertOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw UsageError{a + " needs a value"};
      return args[++i];
    };
    if (a == "-o" || a == "--output") {
      output = value();
    } else if (a == "--dtype") {
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
    } else if (a == "--report") {
      report_path = value();
    } else if (a == "--samples") {
      samples_path = value();
    } else if (!a.empty() && a[0] == '-') {
      throw UsageError{"unknown option '" + a + "'"};
    } else if (input.empty()) {
      input = a;
    } else {
      throw UsageError{"more than one input ('" + input + "', '" + a + "')"};
    }
  }
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

  std::vector<std::string> samples;
  if (!samples_path.empty()) {
    const auto b = read_file(samples_path);
    std::istringstream lines(std::string(b.begin(), b.end()));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) samples.push_back(line);
    }
    if (samples.empty()) {
      pf::fail(pf::ErrorCode::kInvalidArgument, "'" + samples_path + "' has no non-empty line");
    }
  }
  const pf::ConvertResult result = pf::convert_to_gguf(*source, options, samples);
  write_file(output, result.gguf.data(), result.gguf.size());
  std::cout << "wrote " << output << " (" << result.gguf.size() << " bytes)\n"
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
