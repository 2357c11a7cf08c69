#include "convert/convert.h"

namespace pf {

ConvertResult convert_to_gguf(const ConvertSource& source, const ConvertOptions& options,
                              const std::vector<std::string>& samples) {
  ConvertResult r;
  std::vector<std::string> notes;
  r.gguf = export_decoder_gguf(source, options, &notes);
  r.report = measure_accuracy(source, r.gguf, convert_dtype_name(options.dtype), samples);
  r.report.notes = std::move(notes);
  return r;
}

ConvertResult convert_to_gguf(const EncoderConvertSource& source, const ConvertOptions& options,
                              const std::vector<std::string>& samples) {
  ConvertResult r;
  std::vector<std::string> notes;
  r.gguf = export_encoder_gguf(source, options, &notes);
  r.report = measure_encoder_accuracy(source, r.gguf, convert_dtype_name(options.dtype), samples);
  r.report.notes = std::move(notes);
  return r;
}

}  // namespace pf
