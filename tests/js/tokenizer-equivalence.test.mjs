// Our wasm Tokenizer (dist/pocketformer-simd-mt.mjs) against
// @huggingface/tokenizers 0.2.0 on seeded random strings: ids (single and
// pair), decode with and without special tokens, and offsets checked
// against an independent derivation (byte-level: from the reference's token
// bytes; BERT: the sliced original, normalized, equals the token).
// Fails on the first mismatch, printing the escaped string and both id lists.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

import { TESTDATA, requireFile, loadWasmModule } from './helpers.mjs';
import { escapeString, makeCases } from './tokenizer-cases.mjs';
import { expectedByteLevelOffsets } from './byte-level-offsets.mjs';

const N = Number(process.env.PF_TOKENIZER_CASES ?? 5000);
const DIR = path.join(TESTDATA, 'tokenizers');
let Module;

before(async () => {
  Module = await loadWasmModule();
  requireFile(path.join(DIR, 'llama3-style', 'tokenizer.json'), "run 'npm run testdata' (bash scripts/make-testdata.sh)");
});

// What BertNormalizer does to a word: drop NUL / U+FFFD / control and format
// characters, lowercase, strip accents.
function bertNormalize(s) {
  return s.replace(/[\0\ufffd\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu, '').toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
}

const TOKENIZERS = [
  // gpt2's ByteLevel post-processor adds nothing, so a pair is the two
  // encodings concatenated (as in Hugging Face's Rust library); the JS
  // reference drops the second text there, so pairs are compared that way.
  { name: 'gpt2', offsets: 'byte-level', added: ['<|endoftext|>'], pairsConcat: true },
  { name: 'bert-base-uncased', offsets: 'bert', added: ['[MASK]', '[SEP]', '[CLS]'] },
  { name: 'llama3-style', offsets: 'byte-level', added: ['<|begin_of_text|>', '<|eot_id|>', '<|end_of_text|>'] },
  { name: 'components', added: ['<mask>', '<sep/>', ' [[sw]] ', 'fancy_word', '[MASK]'] },
  { name: 'metaspace-bpe', added: ['<s>', '</s>'] },
  { name: 'whitespace-bpe', added: ['<s>', '</s>'], asciiOnly: true },
];

for (const spec of TOKENIZERS) {
  test(`tokenizer ${spec.name}: ids, pairs, decode and offsets equal @huggingface/tokenizers on ${N} strings`, (t) => {
    const file = path.join(DIR, spec.name, 'tokenizer.json');
    if (!fs.existsSync(file)) {
      t.skip(`${file} missing (fixtures absent)`);
      return;
    }
    const jsonText = fs.readFileSync(file, 'utf8');
    const ref = new HfTokenizer(JSON.parse(jsonText), { clean_up_tokenization_spaces: false });
    const ours = Module.Tokenizer.fromJson(jsonText);
    try {
      const specials = new Set(JSON.parse(jsonText).added_tokens.filter((a) => a.special).map((a) => a.content));
      const cases = makeCases(0x5eed + spec.name.length, N, { addedTokens: spec.added, asciiOnly: spec.asciiOnly });
      let pairs = 0;
      let offsetChecks = 0;
      for (let i = 0; i < cases.length; i++) {
        const text = cases[i];
        const wellFormed = text.toWellFormed();
        const want = ref.encode(text);
        const got = ours.encode(text, null);
        const gotIds = Array.from(got.ids);
        if (JSON.stringify(gotIds) !== JSON.stringify(want.ids)) {
          assert.fail(`case ${i} ${escapeString(text)}\n  @huggingface/tokenizers: [${want.ids}]\n  ours:                    [${gotIds}]`);
        }
        const other = cases[(i * 7 + 1) % cases.length];
        // The JS reference reads an empty pair as no pair at all.
        if (i % 4 === 0 && other !== '') {
          const wantPair = spec.pairsConcat ? [...want.ids, ...ref.encode(other).ids] : ref.encode(text, { text_pair: other }).ids;
          const gotPair = Array.from(ours.encode(text, other).ids);
          if (JSON.stringify(gotPair) !== JSON.stringify(wantPair)) {
            assert.fail(`pair case ${i} ${escapeString(text)} + ${escapeString(other)}\n  @huggingface/tokenizers: [${wantPair}]\n  ours:                    [${gotPair}]`);
          }
          pairs++;
        }
        if (want.ids.length > 0) {
          for (const skip of [false, true]) {
            const a = ref.decode(want.ids, { skip_special_tokens: skip });
            const b = ours.decode(gotIds, skip);
            if (a !== b) {
              assert.fail(`decode (skip_special_tokens=${skip}) case ${i} ${escapeString(text)} ids [${gotIds}]\n  @huggingface/tokenizers: ${escapeString(a)}\n  ours:                    ${escapeString(b)}`);
            }
          }
        }
        let offsets = got.offsets;
        if (spec.offsets === 'byte-level') {
          const bare = ref.encode(text, { add_special_tokens: false }).tokens;
          offsets = ours.encode(text, null, { addSpecialTokens: false }).offsets;
          const expected = expectedByteLevelOffsets(wellFormed, bare);
          if (offsets.length !== 2 * expected.length) assert.fail(`offsets case ${i}: ${offsets.length / 2} offsets for ${expected.length} tokens`);
          for (let k = 0; k < expected.length; k++) {
            if (offsets[2 * k] !== expected[k][0] || offsets[2 * k + 1] !== expected[k][1]) {
              assert.fail(`offsets case ${i} ${escapeString(text)} token ${k} ${escapeString(bare[k])}: ours [${offsets[2 * k]}, ${offsets[2 * k + 1]}], expected [${expected[k]}]`);
            }
            offsetChecks++;
          }
        } else if (spec.offsets === 'bert') {
          for (let k = 0; k < want.tokens.length; k++) {
            const tok = want.tokens[k];
            if (got.specialTokensMask[k] === 1 || tok === '[UNK]') continue;
            const slice = wellFormed.slice(offsets[2 * k], offsets[2 * k + 1]);
            const expected = specials.has(tok) ? tok : tok.replace(/^##/, '');
            const normalized = specials.has(tok) ? slice : bertNormalize(slice);
            // A token from part of a decomposed character (Hangul jamo) maps
            // to that whole character, so containment rather than equality.
            if (normalized !== expected && !([...slice].length === 1 && normalized.includes(expected))) {
              assert.fail(`offsets case ${i} ${escapeString(text)} token ${k} ${escapeString(tok)}: slice ${escapeString(slice)}`);
            }
            offsetChecks++;
          }
        }
      }
      t.diagnostic(`${cases.length} strings, ${pairs} pairs, ${offsetChecks} offsets checked`);
    } finally {
      ours.delete();
    }
  });
}

test('tokenizer API: batch, padding, truncation, type ids, token lookups, errors', () => {
  const jsonText = fs.readFileSync(path.join(DIR, 'components', 'tokenizer.json'), 'utf8');
  const tok = Module.Tokenizer.fromJson(jsonText);
  try {
    const batch = tok.encodeBatch(['hello world', 'the quick brown fox jumps'], null, { padding: 'longest' });
    assert.equal(batch.length, 2);
    assert.equal(batch[0].ids.length, batch[1].ids.length);
    assert.deepEqual(Array.from(batch[0].attentionMask.slice(-1)), [0]);
    const pair = tok.encode('hello', 'world', { maxLength: 5 });
    assert.equal(pair.ids.length, 5);
    assert.deepEqual(Array.from(pair.typeIds), [0, 0, 0, 1, 1]);
    assert.equal(tok.tokenToId('[CLS]'), pair.ids[0]);
    assert.equal(tok.idToToken(pair.ids[0]), '[CLS]');
    assert.equal(tok.tokenToId('no such token'), -1);
    assert.ok(tok.vocabSize() > 50);
    const enc = tok.encode('Ünïcode 😀 hello', null, { addSpecialTokens: false });
    const text = 'Ünïcode 😀 hello';
    const last = enc.ids.length - 1;
    assert.equal(text.slice(enc.offsets[2 * last], enc.offsets[2 * last + 1]), 'hello');
  } finally {
    tok.delete();
  }
  assert.throws(() => Module.Tokenizer.fromJson('{"model": {"type": "Nope"}}'), (e) => e.code === 'UNSUPPORTED' && /Nope/.test(e.message));
  assert.throws(() => Module.Tokenizer.fromJson('not json'), (e) => e.code === 'CORRUPT_MODEL');
});
