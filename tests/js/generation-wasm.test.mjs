// TextGenerator (src/bindings/embind_generation.cpp) in the real wasm module
// under Node: stories260K's golden text streamed token by token, the tiny
// HF Llama's greedy continuation against the PyTorch reference, seeded
// sampling, and coded errors that leave the module usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { DIST, ROOT, TESTDATA, requireFile, requireWasmBuild } from './helpers.mjs';

const FIXTURES = process.env.POCKETFORMER_FIXTURES || path.join(ROOT, '../shared/fixtures');
const STORIES = path.join(FIXTURES, 'models/stories260K');
const TINY_LLAMA = path.join(TESTDATA, 'tiny-llama');
let Module;

function readStories() {
  return {
    model: new Uint8Array(fs.readFileSync(path.join(STORIES, 'stories260K.bin'))),
    tokenizer: new Uint8Array(fs.readFileSync(path.join(STORIES, 'tok512.bin'))),
    golden: fs.readFileSync(path.join(STORIES, 'golden_check.txt'), 'utf8'),
  };
}

function expectCode(fn, codes) {
  assert.throws(fn, (e) => {
    assert.ok(codes.includes(e.code), `code ${e.code} (${e.message}) not in ${codes}`);
    return true;
  });
}

before(async () => {
  requireWasmBuild();
  requireFile(path.join(TINY_LLAMA, 'reference.json'), "run 'npm run testdata'");
  const { default: createPocketformer } = await import(
    pathToFileURL(path.join(DIST, 'pocketformer-simd-mt.mjs')).href
  );
  Module = await createPocketformer({ numThreads: 2 });
});

after(() => Module?.setNumThreads(1));

test('stories260K: streamed greedy tokens reproduce the golden text', (t) => {
  if (!fs.existsSync(path.join(STORIES, 'stories260K.bin'))) {
    t.skip(`fixtures absent: ${STORIES}`);
    return;
  }
  const { model, tokenizer, golden } = readStories();
  for (const threads of [1, 2]) {
    Module.setNumThreads(threads);
    const gen = Module.TextGenerator.loadLlama2c(model, tokenizer, 'f32', 0, 'f32');
    try {
      assert.equal(gen.config().vocabSize, 512);
      gen.start([1], { temperature: 0, maxNewTokens: 200 });
      const decoder = new TextDecoder('utf-8');
      let text = '';
      let prev = 1;
      const t0 = performance.now();
      for (let id = gen.next(); id >= 0; id = gen.next()) {
        text += decoder.decode(gen.decodeTokenBytes(prev, id), { stream: true });
        prev = id;
      }
      const seconds = (performance.now() - t0) / 1000;
      text += decoder.decode();
      assert.equal(gen.stopReason(), 'max_new_tokens');
      assert.equal(gen.tokens().length, 201);
      assert.equal(text, golden);
      console.log(`stories260K wasm f32, ${threads} thread(s): ${(200 / seconds).toFixed(0)} tokens/s`);

      // A text prompt continues the same story.
      gen.start('Once upon a time', { temperature: 0, maxNewTokens: 20 });
      const ids = [];
      for (let id = gen.next(); id >= 0; id = gen.next()) ids.push(id);
      const prompt = Array.from(gen.tokens()).slice(1, -ids.length);
      assert.ok(golden.startsWith(gen.decode([...prompt, ...ids], true)));
    } finally {
      gen.delete();
    }
  }
  Module.setNumThreads(2);
});

test('tiny HF Llama: greedy continuation equals the PyTorch reference', () => {
  const ref = JSON.parse(fs.readFileSync(path.join(TINY_LLAMA, 'reference.json'), 'utf8'));
  const config = fs.readFileSync(path.join(TINY_LLAMA, 'config.json'), 'utf8');
  const weights = new Uint8Array(fs.readFileSync(path.join(TINY_LLAMA, 'model.safetensors')));
  const gen = Module.TextGenerator.loadHf(config, weights, 'f32', 0, '', 'f32');
  try {
    assert.equal(gen.hasTokenizer(), false);
    gen.start(Int32Array.from(ref.prompt), { temperature: 0, maxNewTokens: 64, eosTokenIds: [] });
    const ids = [];
    for (let id = gen.next(); id >= 0; id = gen.next()) ids.push(id);
    assert.deepEqual(ids, ref.continuation);

    // Seeded sampling: same seed, same tokens; another seed, other tokens.
    const sample = (seed) => {
      gen.start(ref.prompt, { temperature: 1, topP: 0.95, seed, maxNewTokens: 32, eosTokenIds: [] });
      const out = [];
      for (let id = gen.next(); id >= 0; id = gen.next()) out.push(id);
      return out;
    };
    assert.deepEqual(sample(5), sample(5));
    assert.notDeepEqual(sample(5), sample(6));
  } finally {
    gen.delete();
  }
  // int8 and q4 load and generate.
  for (const dtype of ['int8', 'q4']) {
    const q = Module.TextGenerator.loadHf(config, weights, dtype, 64, '', 'f32');
    assert.equal(q.config().maxContext, 64);
    q.start(ref.prompt, { temperature: 0, maxNewTokens: 8 });
    assert.ok(q.next() >= 0);
    q.delete();
  }
});

test('TextGenerator errors carry codes and leave the module usable', () => {
  expectCode(() => Module.TextGenerator.loadLlama2c(new Uint8Array(10), null, 'f32', 0, 'f32'), ['CORRUPT_MODEL']);
  expectCode(() => Module.TextGenerator.loadHf('{}', new Uint8Array(8), 'f32', 0, '', 'f32'), ['UNSUPPORTED_ARCHITECTURE']);
  expectCode(() => Module.TextGenerator.loadHf('{"model_type": "mamba"}', new Uint8Array(8), 'f32', 0, '', 'f32'),
    ['UNSUPPORTED_ARCHITECTURE']);
  expectCode(() => Module.TextGenerator.loadHf('{', new Uint8Array(8), 'f32', 0, '', 'f32'), ['BAD_CONFIG']);
  const config = fs.readFileSync(path.join(TINY_LLAMA, 'config.json'), 'utf8');
  const weights = new Uint8Array(fs.readFileSync(path.join(TINY_LLAMA, 'model.safetensors')));
  expectCode(() => Module.TextGenerator.loadHf(config, weights, 'f16', 0, '', 'f32'), ['INVALID_ARGUMENT']);
  expectCode(() => Module.TextGenerator.loadHf(config, weights.slice(0, 1000), 'f32', 0, '', 'f32'), ['CORRUPT_MODEL']);
  const gen = Module.TextGenerator.loadHf(config, weights, 'f32', 16, '', 'f32');
  try {
    expectCode(() => gen.next(), ['INVALID_ARGUMENT']);  // before start
    expectCode(() => gen.start([1, 99999], {}), ['INVALID_ARGUMENT']);
    expectCode(() => gen.start([1, 2.5], {}), ['INVALID_ARGUMENT']);
    expectCode(() => gen.start([], {}), ['INVALID_ARGUMENT']);
    expectCode(() => gen.start(new Array(17).fill(3), {}), ['INVALID_ARGUMENT']);
    expectCode(() => gen.start([1], { topP: 0 }), ['INVALID_ARGUMENT']);
    expectCode(() => gen.start([1], { temperature: 'hot' }), ['INVALID_ARGUMENT']);
    expectCode(() => gen.start('text needs a tokenizer', {}), ['INVALID_ARGUMENT']);
    // Still usable: 15 tokens fill the 16-token context.
    gen.start([1], { temperature: 0, maxNewTokens: 100, eosTokenIds: [] });
    let n = 0;
    while (gen.next() >= 0) n++;
    assert.equal(n, 15);
    assert.equal(gen.stopReason(), 'context_full');
  } finally {
    gen.delete();
  }
});
