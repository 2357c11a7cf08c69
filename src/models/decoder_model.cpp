#include "models/decoder_model.h"

#include <string>

#include "core/error.h"

namespace pf {

void check_decoder_forward(const DecoderConfig& c, const int32_t* tokens, size_t n,
                           size_t start_pos, size_t cached) {
  if (n == 0) fail(ErrorCode::kInvalidArgument, "forward: no tokens");
  if (start_pos > cached) {
    fail(ErrorCode::kInvalidArgument, "forward: start position " + std::to_string(start_pos) +
                                          " is past the " + std::to_string(cached) +
                                          " cached tokens");
  }
  if (n > (size_t)c.max_context || start_pos > (size_t)c.max_context - n) {
    fail(ErrorCode::kInvalidArgument, "context full (" + std::to_string(c.max_context) +
                                          " tokens): cannot process " + std::to_string(n) +
                                          " more after " + std::to_string(start_pos));
  }
  for (size_t i = 0; i < n; ++i) {
    if (tokens[i] < 0 || tokens[i] >= c.vocab_size) {
      fail(ErrorCode::kInvalidArgument, "token id " + std::to_string(tokens[i]) +
                                            " is outside the vocabulary [0, " +
                                            std::to_string(c.vocab_size) + ")");
    }
  }
}

}  // namespace pf
