// One conversion, as the CLI and the JS binding run it: source -> GGUF
// bytes, then the accuracy report of the GGUF against the source.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/accuracy_report.h"
#include "convert/convert_source.h"
#include "convert/encoder_gguf_export.h"
#include "convert/gguf_export.h"

namespace pf {

struct ConvertResult {
  std::vector<uint8_t> gguf;
  AccuracyReport report;
};

// samples: held-out texts (empty: the built-in sentences).
ConvertResult convert_to_gguf(const ConvertSource& source, const ConvertOptions& options,
                              const std::vector<std::string>& samples = {});

// The same for a BERT-family encoder folder.
ConvertResult convert_to_gguf(const EncoderConvertSource& source, const ConvertOptions& options,
                              const std::vector<std::string>& samples = {});

}  // namespace pf
