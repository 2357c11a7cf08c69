// Encoder pipelines from a GGUF: `pocketformer convert` turns the seeded HF
// test folders into llama.cpp-style "bert" GGUFs; feature-extraction and
// text-classification load them by path and as a Blob and give the HF
// folder's results (f32 GGUF: within 1e-5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { pipeline, env, shutdown } from '../../web/src/index.js';
import { ROOT, TESTDATA, readModelFiles, requireFile, requireWasmBuild } from './helpers.mjs';

const CLI = path.join(ROOT, 'build/native/pocketformer');
let dir;

function convert(model, dtype) {
  const out = path.join(dir, `${path.basename(model)}-${dtype}.gguf`);
  execFileSync(CLI, ['convert', path.join(TESTDATA, model), '-o', out, '--dtype', dtype], { stdio: 'pipe' });
  return out;
}

function maxDiff(a, b) {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

before(() => {
  requireWasmBuild();
  requireFile(CLI, "run 'npm run build'");
  requireFile(path.join(TESTDATA, 'tiny-heads/bert-seq-cls/config.json'), "run 'npm run testdata'");
  env.numThreads = 2;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-gguf-enc-'));
});

after(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

const TEXTS = ['Hello, world! This is a test.', 'the quick brown fox'];

test('feature-extraction: a converted f32 GGUF (path and Blob) gives the HF folder\'s embeddings', async () => {
  for (const model of ['tiny-bert', 'tiny-distilbert']) {
    const gguf = convert(model, 'f32');
    const hf = await pipeline('feature-extraction', readModelFiles(path.join(TESTDATA, model)));
    const want = await hf(TEXTS, { pooling: 'mean' });
    for (const source of [gguf, new Blob([fs.readFileSync(gguf)])]) {
      const fe = await pipeline('feature-extraction', source);
      const got = await fe(TEXTS, { pooling: 'mean' });
      assert.deepEqual(got.dims, want.dims);
      assert.ok(maxDiff(got.data, want.data) <= 1e-5, `${model}: embeddings differ`);
      await fe.dispose();
    }
    await hf.dispose();
  }
});

test('text-classification: labels and scores survive GGUF (f32 exact, q8 same top label)', async () => {
  for (const model of ['tiny-heads/bert-seq-cls', 'tiny-heads/distilbert-seq-cls']) {
    const hf = await pipeline('text-classification', readModelFiles(path.join(TESTDATA, model)));
    const want = await hf(TEXTS, { top_k: null });
    const f32 = await pipeline('text-classification', convert(model, 'f32'));
    const got = await f32(TEXTS, { top_k: null });
    for (let i = 0; i < TEXTS.length; i++) {
      assert.deepEqual(got[i].map((s) => s.label), want[i].map((s) => s.label));
      assert.ok(maxDiff(got[i].map((s) => s.score), want[i].map((s) => s.score)) <= 1e-5);
    }
    const q8 = await pipeline('text-classification', convert(model, 'q8'));
    const top = await q8(TEXTS);
    // A batch with the default top_k 1 gives one {label, score} per text.
    for (let i = 0; i < TEXTS.length; i++) assert.equal(top[i].label, want[i][0].label);
    await Promise.all([hf.dispose(), f32.dispose(), q8.dispose()]);
  }
});
