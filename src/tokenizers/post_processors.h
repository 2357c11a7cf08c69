// tokenizer.json "post_processor" stage: adds special tokens around one or
// two encoded sequences and sets type ids (TemplateProcessing,
// BertProcessing, RobertaProcessing), and trims byte-level offsets
// (ByteLevel); Sequence chains them.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "tokenizers/encoding.h"

namespace pf {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Number of special tokens process() adds for one or two sequences.
  virtual size_t added_tokens(bool pair) const = 0;
  // pair may be null. Inputs carry type ids 0 / 1 and sequence ids.
  virtual Encoding process(Encoding first, Encoding* pair, bool add_special_tokens) const = 0;
};

std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& config);

// Without a post-processor: the two sequences concatenated.
Encoding concat_encodings(Encoding first, Encoding* pair);

}  // namespace pf
