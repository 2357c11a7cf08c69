#include "core/error.h"

namespace pf {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kCorruptModel: return "CORRUPT_MODEL";
    case ErrorCode::kBadConfig: return "BAD_CONFIG";
    case ErrorCode::kUnsupported: return "UNSUPPORTED";
    case ErrorCode::kUnsupportedArchitecture: return "UNSUPPORTED_ARCHITECTURE";
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kOutOfMemory: return "OUT_OF_MEMORY";
    case ErrorCode::kInternal: return "INTERNAL";
  }
  return "INTERNAL";
}

void fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace pf
