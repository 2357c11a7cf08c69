// Error type used across the runtime. Every failure that a user can cause
// (bad file, bad config, bad argument, memory) is reported as pf::Error with a
// stable code, so the JS layer can map it to an Error subclass without parsing
// message text.
#pragma once

#include <stdexcept>
#include <string>

namespace pf {

enum class ErrorCode {
  kCorruptModel,     // a model file is malformed, truncated or inconsistent
  kBadConfig,        // config.json is malformed or has unusable values
  kUnsupported,      // valid input we do not handle (a dtype, a tokenizer component)
  kUnsupportedArchitecture,  // model_type / GGUF general.architecture we cannot run
  kInvalidArgument,  // a caller passed something unusable
  kOutOfMemory,      // an allocation failed or would exceed limits
  kInternal,         // a library (XNNPACK) failed unexpectedly
};

const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] void fail(ErrorCode code, const std::string& message);

}  // namespace pf
