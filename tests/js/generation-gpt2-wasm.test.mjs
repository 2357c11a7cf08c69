// TextGenerator.loadHf with GPT-2 checkpoints in the real wasm module under
// Node: the greedy continuation of the tiny F16 GPT-2 ("transformer."
// prefix) equals the PyTorch reference, quantized formats load and run, and
// a GPT-2 config over unfit weights fails with a code; the same weights as
// llama.cpp "gpt2" GGUFs (f32 and f16 KV caches) give the same continuation.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { DIST, TESTDATA, requireFile, requireWasmBuild } from './helpers.mjs';

const TINY_GPT2 = path.join(TESTDATA, 'tiny-gpt2-f16');
let Module;

function readGpt2(dir = TINY_GPT2) {
  return {
    ref: JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')),
    config: fs.readFileSync(path.join(dir, 'config.json'), 'utf8'),
    weights: new Uint8Array(fs.readFileSync(path.join(dir, 'model.safetensors'))),
  };
}

before(async () => {
  requireWasmBuild();
  requireFile(path.join(TINY_GPT2, 'reference.json'), "run 'npm run testdata'");
  const { default: createPocketformer } = await import(
    pathToFileURL(path.join(DIST, 'pocketformer-simd-mt.mjs')).href
  );
  Module = await createPocketformer({ numThreads: 2 });
});

test('tiny GPT-2 as a llama.cpp gpt2 GGUF: greedy continuation equals the PyTorch reference', () => {
  for (const dir of [path.join(TESTDATA, 'tiny-gpt2'), TINY_GPT2]) {
    const { ref } = readGpt2(dir);
    const gguf = new Uint8Array(fs.readFileSync(path.join(dir, 'model.gguf')));
    for (const kv of ['f32', 'f16']) {
      const gen = Module.TextGenerator.loadGguf(gguf, '', 0, kv);
      try {
        const c = gen.config();
        assert.equal(c.modelType, 'gpt2');
        assert.equal(c.dtype, 'f32');
        assert.equal(c.kvCacheDtype, kv);
        gen.start(Int32Array.from(ref.prompt), { temperature: 0, maxNewTokens: 64, eosTokenIds: [] });
        const ids = [];
        for (let id = gen.next(); id >= 0; id = gen.next()) ids.push(id);
        assert.deepEqual(ids, ref.continuation, `${dir} kv ${kv}`);
      } finally {
        gen.delete();
      }
    }
  }
});

test('tiny HF GPT-2: greedy continuation equals the PyTorch reference', () => {
  const { ref, config, weights } = readGpt2();
  const gen = Module.TextGenerator.loadHf(config, weights, 'f32', 0, '', 'f32');
  try {
    const c = gen.config();
    assert.equal(c.modelType, 'gpt2');
    assert.equal(c.maxContext, 128);
    assert.equal(c.heads, c.kvHeads);
    assert.deepEqual(Array.from(c.eosTokenIds), [299]);
    gen.start(Int32Array.from(ref.prompt), { temperature: 0, maxNewTokens: 64, eosTokenIds: [] });
    const ids = [];
    for (let id = gen.next(); id >= 0; id = gen.next()) ids.push(id);
    assert.deepEqual(ids, ref.continuation);
  } finally {
    gen.delete();
  }
  for (const dtype of ['int8', 'q4']) {
    const q = Module.TextGenerator.loadHf(config, weights, dtype, 32, '', 'f32');
    try {
      assert.equal(q.config().maxContext, 32);
      q.start(ref.prompt, { temperature: 0, maxNewTokens: 100, eosTokenIds: [] });
      let n = 0;
      while (q.next() >= 0) n++;
      assert.equal(n, 32 - ref.prompt.length);
      assert.equal(q.stopReason(), 'context_full');
    } finally {
      q.delete();
    }
  }
});

test('GPT-2 load errors carry codes', () => {
  const { config, weights } = readGpt2();
  const cfg = JSON.parse(config);
  const expectCode = (fn, code) =>
    assert.throws(fn, (e) => {
      assert.equal(e.code, code, e.message);
      return true;
    });
  expectCode(() => Module.TextGenerator.loadHf(
    JSON.stringify({ ...cfg, scale_attn_by_inverse_layer_idx: true }), weights, 'f32', 0, '', 'f32'),
  'UNSUPPORTED');
  expectCode(() => Module.TextGenerator.loadHf(
    JSON.stringify({ ...cfg, n_embd: 64 }), weights, 'f32', 0, '', 'f32'), 'CORRUPT_MODEL');
  expectCode(() => Module.TextGenerator.loadHf(config, weights.slice(0, 4096), 'f32', 0, '', 'f32'),
    'CORRUPT_MODEL');
});
