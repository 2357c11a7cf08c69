#!/usr/bin/env node
// Byte-level BPE tokenizer.json files in the style of each model family a
// GGUF names by tokenizer.ggml.pre (Llama 3 "llama-bpe", Qwen2 "qwen2",
// SmolLM "smollm", GPT-4o "gpt-4o", llama.cpp's "default", GPT-2 "gpt-2"),
// each with GPT-2's real vocabulary and merges (../shared/fixtures) plus the
// family's special tokens, and the ids @huggingface/tokenizers gives for
// 5,000 seeded strings. tests/native/test_gguf_bpe_families.cpp writes each
// tokenizer.json's vocab as GGUF tokenizer.ggml.* metadata and checks that
// the tokenizer built from the GGUF gives these ids.
//
//   node tests/reference/make_gguf_bpe_cases.mjs --fixtures ../shared/fixtures --out build/testdata/gguf-bpe
//
// Pre-tokenizer configs are written as those families' tokenizer.json files
// write them (meta-llama/Meta-Llama-3-8B, Qwen/Qwen2-0.5B,
// HuggingFaceTB/SmolLM2-135M, Xenova/gpt-4o); "default" is llama.cpp's
// fallback split sequence, which has no tokenizer.json of its own.
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

import { makeCases } from '../js/tokenizer-cases.mjs';

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const FIXTURES = args.fixtures ?? '../shared/fixtures';
const OUT = args.out ?? 'build/testdata/gguf-bpe';
const N = Number(args.count ?? 5000);

const gpt2Dir = path.join(FIXTURES, 'tokenizers', 'gpt2');
if (!fs.existsSync(path.join(gpt2Dir, 'encoder.json'))) {
  console.error(`note: ${gpt2Dir} absent; GGUF byte-level BPE family cases not written`);
  process.exit(0);
}
const VOCAB = JSON.parse(fs.readFileSync(path.join(gpt2Dir, 'encoder.json'), 'utf8'));
const MERGES = fs.readFileSync(path.join(gpt2Dir, 'vocab.bpe'), 'utf8').split('\n').slice(1).filter((l) => l);

const byteLevel = (useRegex) => ({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex });
const split = (regex) => ({ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false });
const seq = (...pretokenizers) => ({ type: 'Sequence', pretokenizers });

const LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const GPT4O = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// bos: the token TemplateProcessing prepends (GGUF add_bos_token), or none.
const FAMILIES = [
  { pre: 'llama-bpe', specials: ['<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>'], bos: '<|begin_of_text|>',
    eos: '<|end_of_text|>', ignoreMerges: true, preTokenizer: seq(split(LLAMA3), byteLevel(false)) },
  { pre: 'qwen2', specials: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'], eos: '<|endoftext|>',
    normalizer: { type: 'NFC' }, preTokenizer: seq(split(QWEN2), byteLevel(false)) },
  { pre: 'smollm', specials: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'], eos: '<|endoftext|>',
    preTokenizer: seq({ type: 'Digits', individual_digits: true }, byteLevel(true)) },
  { pre: 'gpt-4o', specials: ['<|endoftext|>', '<|endofprompt|>'], eos: '<|endoftext|>',
    preTokenizer: seq(split(GPT4O), byteLevel(false)) },
  { pre: 'default', specials: ['<|endoftext|>'], eos: '<|endoftext|>',
    preTokenizer: seq(split('[\\p{P}\\$\\+<=>\\^~\\|]+'),
      split("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"),
      split('\\p{N}+'), split('[0-9][0-9][0-9]'), byteLevel(false)) },
  { pre: 'gpt-2', specials: ['<|endoftext|>'], eos: '<|endoftext|>', preTokenizer: byteLevel(true) },
];
// Added, not special (GGUF token_type 4, user-defined): matched in text too.
const USER_DEFINED = ['<tool_call>', ' fancy_word'];

function tokenizerJson(f) {
  const vocab = { ...VOCAB };
  const added = [];
  const add = (content, special) => {
    if (!(content in vocab)) vocab[content] = Object.keys(vocab).length;
    added.push({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false,
      normalized: !special, special });
  };
  for (const s of f.specials) add(s, true);
  for (const s of USER_DEFINED) add(s, false);
  const bosId = f.bos ? vocab[f.bos] : null;
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: added,
    normalizer: f.normalizer ?? null,
    pre_tokenizer: f.preTokenizer,
    post_processor: f.bos
      ? { type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: f.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: { id: f.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: f.bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { [f.bos]: { id: f.bos, ids: [bosId], tokens: [f.bos] } } }
      : null,
    decoder: byteLevel(true),
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null,
      end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: !!f.ignoreMerges,
      vocab, merges: MERGES },
  };
}

for (const [k, f] of FAMILIES.entries()) {
  const json = tokenizerJson(f);
  const ref = new Tokenizer(json, { clean_up_tokenization_spaces: false });
  // Lone surrogates become U+FFFD here, as our bindings turn them: the
  // native test reads UTF-8.
  const texts = makeCases(0x99f + k, N, { addedTokens: [...f.specials, ...USER_DEFINED] }).map((t) => t.toWellFormed());
  const cases = texts.map((text) => {
    const ids = ref.encode(text).ids;
    return { text, ids, decoded: ref.decode(ids, { skip_special_tokens: false }) };
  });
  const dir = path.join(OUT, f.pre);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(dir, 'cases.json'), JSON.stringify({
    pre: f.pre, bos: f.bos ?? null, eos: f.eos ?? null, add_bos: !!f.bos, cases }));
  console.error(`${f.pre}: ${cases.length} cases -> ${dir}`);
}
