// GGUF conversion and loading through the real wasm module
// (dist/pocketformer-simd-mt.mjs) under Node, via its Embind API:
// convertToGguf on a dropped llama2.c model (stories260K), the report, the
// GGUF loaded back with TextGenerator.loadGguf reproducing llama2.c's golden
// text, quantized conversions, and hostile inputs (coded errors).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { DIST, ROOT, requireWasmBuild } from './helpers.mjs';

const FIXTURE = path.resolve(ROOT, '../shared/fixtures/models/stories260K');
const HAVE_FIXTURE = fs.existsSync(path.join(FIXTURE, 'stories260K.bin'));
const SKIP = HAVE_FIXTURE ? false : `${FIXTURE} absent (see ../shared/fixtures/README.md)`;

let Module;
let files;
let golden;

before(async () => {
  if (!HAVE_FIXTURE) return;
  requireWasmBuild();
  const { default: createPocketformer } = await import(
    pathToFileURL(path.join(DIST, 'pocketformer-simd-mt.mjs')).href
  );
  Module = await createPocketformer({ numThreads: 2 });
  files = {
    'stories260K.bin': new Uint8Array(fs.readFileSync(path.join(FIXTURE, 'stories260K.bin'))),
    'tok512.bin': new Uint8Array(fs.readFileSync(path.join(FIXTURE, 'tok512.bin'))),
  };
  golden = fs.readFileSync(path.join(FIXTURE, 'golden_check.txt'), 'utf8');
});

// Greedy from BOS, the way llama2.c's run.c prints: decode(prev, next).
function greedyText(gen, steps) {
  gen.start([1], { temperature: 0, maxNewTokens: steps });
  const bytes = [];
  let prev = 1;
  for (let id = gen.next(); id >= 0; id = gen.next()) {
    bytes.push(...gen.decodeTokenBytes(prev, id));
    prev = id;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    return e.code;
  }
  assert.fail('no error thrown');
}

test('convertToGguf f32 -> loadGguf reproduces the stories260K golden text', { skip: SKIP }, () => {
  const out = Module.convertToGguf(files, 'f32', undefined);
  assert.ok(out.gguf instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(out.gguf.subarray(0, 4)), 'GGUF');
  const report = JSON.parse(out.report);
  assert.equal(report.dtype, 'f32');
  assert.equal(report.argmax_agreement, 1);
  assert.ok(report.logit_cosine_min > 0.999999, String(report.logit_cosine_min));
  assert.match(out.table, /argmax agreement/);
  const gen = Module.TextGenerator.loadGguf(out.gguf, 'f32', 0, 'f32');
  try {
    assert.equal(gen.hasTokenizer(), true);
    assert.equal(gen.config().modelType, 'llama');
    assert.equal(greedyText(gen, 200), golden);
    assert.deepEqual([...gen.encode('Once upon a time', true)].slice(0, 1), [1]);
  } finally {
    gen.delete();
  }
});

test('convertToGguf q8 / q4: smaller files, int8 / int4 runtime, report bounds', { skip: SKIP }, () => {
  for (const [dtype, runtime, minCos] of [['q8', 'int8', 0.999], ['q4', 'int4', 0.97]]) {
    const out = Module.convertToGguf(files, dtype, ['blk.0.*']);
    const report = JSON.parse(out.report);
    assert.equal(report.runtime_format, runtime);
    assert.ok(report.bytes_after < report.bytes_before / 2, `${dtype}: ${report.bytes_after}`);
    assert.ok(report.logit_cosine_mean >= minCos, `${dtype}: cosine ${report.logit_cosine_mean}`);
    const gen = Module.TextGenerator.loadGguf(out.gguf, '', 0, 'f32');
    try {
      assert.equal(gen.config().dtype, runtime);
      const text = greedyText(gen, 20);
      assert.ok(text.length > 0);
    } finally {
      gen.delete();
    }
  }
});

test('hostile conversions and GGUF files fail with coded errors', { skip: SKIP }, () => {
  assert.equal(codeOf(() => Module.convertToGguf({}, 'f32', undefined)), 'INVALID_ARGUMENT');
  assert.equal(codeOf(() => Module.convertToGguf(files, 'q9', undefined)), 'INVALID_ARGUMENT');
  assert.equal(
    codeOf(() => Module.convertToGguf({ 'config.json': new TextEncoder().encode('{}') }, 'f32', undefined)),
    'INVALID_ARGUMENT',
  );
  assert.equal(codeOf(() => Module.convertToGguf(files, 'f32', [3])), 'INVALID_ARGUMENT');
  assert.equal(codeOf(() => Module.TextGenerator.loadGguf(new Uint8Array(64), '', 0, 'f32')), 'CORRUPT_MODEL');
  const out = Module.convertToGguf(files, 'f32', undefined);
  assert.equal(codeOf(() => Module.TextGenerator.loadGguf(out.gguf.subarray(0, 5000), '', 0, 'f32')), 'CORRUPT_MODEL');
  assert.equal(codeOf(() => Module.TextGenerator.loadGguf(out.gguf, 'int3', 0, 'f32')), 'INVALID_ARGUMENT');
  // The module is still usable after the errors.
  const gen = Module.TextGenerator.loadGguf(out.gguf, 'f32', 16, 'f32');
  assert.equal(gen.config().maxContext, 16);
  gen.delete();
});
