// Word ids (which pre-tokenizer piece of its own text each token came from;
// -1 / null for special tokens and padding) against Hugging Face's Rust
// tokenizers library (npm 'tokenizers', Encoding.getWordIds()) -- the pure-JS
// @huggingface/tokenizers has no word ids -- on every generated tokenizer.json
// (BERT WordPiece, GPT-2 and Llama 3 style byte-level BPE, Metaspace BPE,
// Unigram, the component mix): single texts and pairs on seeded random
// strings. Fails on the first mismatch, printing the string and both lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { AutoTokenizer, env, shutdown } from '../../web/src/index.js';
import { TESTDATA, loadRustTokenizers, loadWasmModule } from './helpers.mjs';
import { escapeString, makeCases } from './tokenizer-cases.mjs';

const N = Number(process.env.PF_TOKENIZER_CASES ?? 2000);
const DIR = path.join(TESTDATA, 'tokenizers');
let Module;
let RustTokenizer = null;

before(async () => {
  RustTokenizer = loadRustTokenizers();
  Module = await loadWasmModule();
});

after(() => shutdown());

// Where Rust regex's \w (the Whitespace pre-tokenizer's) is more than
// letters, marks, digits and '_': Other_Alphabetic symbols (circled and
// squared Latin letters; not U+1F18E or the circled digits), letter numbers,
// the joiners ZWJ / ZWNJ.
const WORD_EDGE_CASES = ['\u24B6\u24D1\u24D2 abc', 'x\u{1F130}\u{1F131}y z', '\u24D0-\u24E9!', '\u216B and \u217B',
  '\u2460\u2461 \u2462', 'a\u200Db c\u200Cd', 'x\u0301y', '_a_b_', '\u{1F170} \u{1F18E}\u{1F189}q', '\u{1F150}.\u{1F169}'];

const rustWords = (encoding) => encoding.getWordIds().map((w) => (w === undefined || w === null ? -1 : w));

const NAMES = fs.existsSync(DIR)
  ? fs.readdirSync(DIR).filter((d) => fs.existsSync(path.join(DIR, d, 'tokenizer.json'))).sort()
  : [];

test('word ids: generated tokenizer.json files are present', (t) => {
  if (NAMES.length === 0) t.skip(`${DIR} has no tokenizer.json (fixtures absent or testdata not generated)`);
});

for (const name of NAMES) {
  test(`word ids ${name}: equal Hugging Face's Rust tokenizers on ${N} strings and pairs`, async () => {
    assert.ok(RustTokenizer, "Hugging Face's Rust tokenizers for Node is not installed: run 'npm install'");
    const jsonText = fs.readFileSync(path.join(DIR, name, 'tokenizer.json'), 'utf8');
    const added = JSON.parse(jsonText).added_tokens.map((a) => a.content).slice(0, 6);
    const ref = RustTokenizer.fromString(jsonText);
    const ours = Module.Tokenizer.fromJson(jsonText);
    try {
      const cases = [...WORD_EDGE_CASES, ...makeCases(0x3d5 + name.length, N, { addedTokens: added })];
      for (let i = 0; i < cases.length; i++) {
        // The Rust binding reads lone surrogates as U+FFFD (its strings are UTF-8).
        const text = cases[i].toWellFormed();
        const want = await ref.encode(text);
        const got = ours.encode(text, null);
        // Ids are compared at length by the equivalence tests; here they
        // only make sure the word ids belong to the same tokens.
        if (JSON.stringify(Array.from(got.ids)) !== JSON.stringify(want.getIds())) {
          assert.fail(`case ${i} ${escapeString(text)}: ids differ\n  rust: [${want.getIds()}]\n  ours: [${Array.from(got.ids)}]`);
        }
        if (JSON.stringify(Array.from(got.wordIds)) !== JSON.stringify(rustWords(want))) {
          assert.fail(`case ${i} ${escapeString(text)}\n  tokens: ${escapeString(want.getTokens().join(' | '))}\n  rust: [${rustWords(want)}]\n  ours: [${Array.from(got.wordIds)}]`);
        }
        if (i % 4 === 0) {
          const other = cases[(i * 7 + 1) % cases.length].toWellFormed();
          const wantPair = rustWords(await ref.encode(text, other));
          const gotPair = Array.from(ours.encode(text, other).wordIds);
          if (JSON.stringify(gotPair) !== JSON.stringify(wantPair)) {
            assert.fail(`pair case ${i} ${escapeString(text)} + ${escapeString(other)}\n  rust: [${wantPair}]\n  ours: [${gotPair}]`);
          }
        }
      }
    } finally {
      ours.delete();
    }
  });
}

test('word ids: truncation windows and padding as in the Rust library; AutoTokenizer return_word_ids gives null there', async (t) => {
  const file = path.join(DIR, 'bert-base-uncased', 'tokenizer.json');
  if (!fs.existsSync(file)) {
    t.skip(`${file} missing (fixtures absent or testdata not generated)`);
    return;
  }
  assert.ok(RustTokenizer, "Hugging Face's Rust tokenizers for Node is not installed: run 'npm install'");
  const jsonText = fs.readFileSync(file, 'utf8');
  const ref = RustTokenizer.fromString(jsonText);
  const ours = Module.Tokenizer.fromJson(jsonText);
  try {
    // Windows: the Rust Encoding.truncate (the binding's tokenizer-level
    // truncation returns no overflowing windows).
    const text = 'hello world, unbelievable tokenization of words!';
    const want = await ref.encode(text, null, { addSpecialTokens: false });
    want.truncate(6, 2, 'right');
    const wantWindows = [want, ...want.getOverflowing()].map(rustWords);
    const got = ours.encode(text, null, { addSpecialTokens: false, maxLength: 6, stride: 2, returnOverflowing: true });
    const gotWindows = [got, ...(got.overflowing || [])].map((e) => Array.from(e.wordIds));
    assert.ok(wantWindows.length > 1, 'the text should need several windows');
    assert.deepEqual(gotWindows, wantWindows);
    const short = await ref.encode('hello world');
    short.pad(7);
    assert.deepEqual(Array.from(ours.encode('hello world', null, { maxLength: 7, padding: 'max_length' }).wordIds), rustWords(short));
  } finally {
    ours.delete();
  }
  env.numThreads = 1;
  const tok = await AutoTokenizer.from_pretrained(path.join(DIR, 'bert-base-uncased'));
  try {
    const out = await tok(['hello world', 'hi'], { padding: true, return_word_ids: true, return_tensor: false });
    assert.deepEqual(out.word_ids, [[null, 0, 1, null], [null, 0, null, null]]);
    assert.equal((await tok('hello world')).word_ids, undefined);
  } finally {
    await tok.dispose();
  }
});
