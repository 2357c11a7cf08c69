// Our wasm Tokenizer on Unigram tokenizer.json files with a "Precompiled"
// (sentencepiece charsmap) normalizer -- converted from sentencepiece's test
// models as transformers' SpmConverter / T5Converter / XLMRobertaConverter
// write them (tests/reference/spm_to_tokenizer_json.py) -- against Hugging
// Face's Rust tokenizers library through its Node binding (npm 'tokenizers',
// which ships the compiled library). ids (single and pair), type ids, decode
// with and without special tokens and every offset, on seeded random strings.
//
// Why not @huggingface/tokenizers (the pure-JS port) here: its Precompiled
// normalizer ignores the charsmap (a fixed NFKC approximation) and its
// Unigram neither fuses unknown runs nor splits on Metaspace, so it differs
// from the Rust library -- which transformers uses -- on about half of these
// strings (35% even of the ASCII-only ones).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { TESTDATA, loadRustTokenizers, loadWasmModule } from './helpers.mjs';
import { escapeString, makeCases } from './tokenizer-cases.mjs';

const N = Number(process.env.PF_TOKENIZER_CASES ?? 5000);
const DIR = path.join(TESTDATA, 'tokenizers');
let Module;
let RustTokenizer = null;

before(async () => {
  RustTokenizer = loadRustTokenizers();
  Module = await loadWasmModule();
});

// UTF-16 index -> code point index (the Rust binding's offsets count chars).
function codePointIndex(text) {
  const map = new Uint32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (!(c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00)) cp++;
  }
  map[text.length] = cp;
  return map;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const TOKENIZERS = [
  { name: 'spm-t5-style', added: ['</s>', '<extra_id_0>', '<extra_id_2>', '<unk>'] },
  { name: 'spm-xlmr-style', added: ['<s>', '</s>', ' <mask>', '<mask>', '<pad>'] },
];

for (const spec of TOKENIZERS) {
  test(`unigram ${spec.name}: ids, pairs, decode and offsets equal Hugging Face's Rust tokenizers on ${N} strings`, async (t) => {
    const file = path.join(DIR, spec.name, 'tokenizer.json');
    if (!fs.existsSync(file)) {
      t.skip(`${file} missing: run 'bash scripts/make-testdata.sh' with ../shared/fixtures present`);
      return;
    }
    // A dev dependency: missing means a broken install, not a reason to skip.
    assert.ok(RustTokenizer, "Hugging Face's Rust tokenizers for Node is not installed: run 'npm install'");
    const jsonText = fs.readFileSync(file, 'utf8');
    const ref = RustTokenizer.fromString(jsonText);
    const ours = Module.Tokenizer.fromJson(jsonText);
    try {
      const cases = makeCases(0x0ed + spec.name.length, N, { addedTokens: spec.added });
      let pairs = 0;
      let offsetChecks = 0;
      for (let i = 0; i < cases.length; i++) {
        // The Rust binding reads lone surrogates as U+FFFD too (its strings are UTF-8).
        const text = cases[i].toWellFormed();
        const want = await ref.encode(text);
        const got = ours.encode(text, null);
        const gotIds = Array.from(got.ids);
        if (!same(gotIds, want.getIds())) {
          assert.fail(`case ${i} ${escapeString(text)}\n  tokens: ${escapeString(want.getTokens().join(' | '))}\n  rust: [${want.getIds()}]\n  ours: [${gotIds}]`);
        }
        const cp = codePointIndex(text);
        const wantOffsets = want.getOffsets();
        for (let k = 0; k < gotIds.length; k++) {
          if (got.specialTokensMask[k] === 1) continue;  // Rust gives added tokens' offsets too; compared below
          const o = [cp[got.offsets[2 * k]], cp[got.offsets[2 * k + 1]]];
          if (!same(o, wantOffsets[k])) {
            assert.fail(`offsets case ${i} ${escapeString(text)} token ${k} ${escapeString(want.getTokens()[k])}: ours [${o}], rust [${wantOffsets[k]}]`);
          }
          offsetChecks++;
        }
        for (const skip of [false, true]) {
          const a = await ref.decode(want.getIds(), skip);
          const b = ours.decode(gotIds, skip);
          if (a !== b) {
            assert.fail(`decode (skip_special_tokens=${skip}) case ${i} ${escapeString(text)} ids [${gotIds}]\n  rust: ${escapeString(a)}\n  ours: ${escapeString(b)}`);
          }
        }
        if (i % 4 === 0) {
          const other = cases[(i * 7 + 1) % cases.length].toWellFormed();
          const wantPair = await ref.encode(text, other);
          const gotPair = ours.encode(text, other);
          if (!same(Array.from(gotPair.ids), wantPair.getIds()) || !same(Array.from(gotPair.typeIds), wantPair.getTypeIds())) {
            assert.fail(`pair case ${i} ${escapeString(text)} + ${escapeString(other)}\n  rust: [${wantPair.getIds()}] types [${wantPair.getTypeIds()}]\n  ours: [${Array.from(gotPair.ids)}] types [${Array.from(gotPair.typeIds)}]`);
          }
          pairs++;
        }
      }
      t.diagnostic(`${cases.length} strings, ${pairs} pairs, ${offsetChecks} offsets checked`);
    } finally {
      ours.delete();
    }
  });
}

test('unigram: malformed Unigram / Precompiled components fail with a code', () => {
  const base = { normalizer: null, pre_tokenizer: null, decoder: null, post_processor: null, added_tokens: [] };
  const load = (model, normalizer = null) => () => Module.Tokenizer.fromJson(JSON.stringify({ ...base, normalizer, model }));
  const vocab = [['<unk>', 0], ['a', -1]];
  assert.throws(load({ type: 'Unigram', vocab }), (e) => e.code === 'UNSUPPORTED' && /unk_id/.test(e.message));
  assert.throws(load({ type: 'Unigram', unk_id: 5, vocab }), (e) => e.code === 'CORRUPT_MODEL');
  assert.throws(load({ type: 'Unigram', unk_id: 0, vocab: [['<unk>', 'x']] }), (e) => e.code === 'CORRUPT_MODEL');
  assert.throws(load({ type: 'Unigram', unk_id: 0, vocab: [] }), (e) => e.code === 'CORRUPT_MODEL');
  assert.throws(load({ type: 'Unigram', unk_id: 0, vocab }, { type: 'Precompiled', precompiled_charsmap: 'not base64!' }),
    (e) => e.code === 'CORRUPT_MODEL' && /base64/.test(e.message));
  assert.throws(load({ type: 'Unigram', unk_id: 0, vocab }, { type: 'Precompiled', precompiled_charsmap: 'AAAA' }),
    (e) => e.code === 'CORRUPT_MODEL');
  // A null charsmap is malformed too (tokenizers refuses it).
  assert.throws(load({ type: 'Unigram', unk_id: 0, vocab }, { type: 'Precompiled', precompiled_charsmap: null }),
    (e) => e.code === 'CORRUPT_MODEL');
});
