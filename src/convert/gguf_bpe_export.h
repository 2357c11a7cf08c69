// A byte-level BPE tokenizer.json (GPT-2, Llama 3, Qwen2, SmolLM, GPT-4o
// layouts) as llama.cpp's "gpt2" tokenizer.ggml.* vocab, as
// convert_hf_to_gguf.py writes it: tokens by id, added tokens CONTROL (3)
// when special else USER_DEFINED (4), merges "a b", the tokenizer.ggml.pre
// name whose pipeline (gguf_bpe_pre.h) equals the file's normalizer,
// pre-tokenizer and ignore_merges, bos/eos and add_bos/add_eos from its
// TemplateProcessing post-processor.
#pragma once

#include <cstdint>
#include <string>

#include "formats/gguf_writer.h"

namespace pf {

// Writes the vocab padded with "[PADn]" user-defined tokens to vocab_size
// rows (llama.cpp wants one token per embedding row). bos_id / eos_id >= 0
// override the post-processor's. Returns false, writing nothing and saying
// why, for tokenizer.json files that are not such a byte-level BPE (other
// models, an unknown pre-tokenizer pipeline, more tokens than vocab_size).
bool write_byte_level_bpe_vocab(GgufWriter& w, const std::string& tokenizer_json, int64_t vocab_size,
                                int64_t bos_id, int64_t eos_id, std::string* why);

// The tokenizer.ggml.pre name for a tokenizer.json's normalizer,
// pre_tokenizer and BPE ignore_merges, or "" when none matches.
std::string gguf_bpe_pre_name_for(const std::string& tokenizer_json);

}  // namespace pf
