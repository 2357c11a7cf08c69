// The real wasm module (dist/pocketformer-simd-mt.mjs) under Node, through its
// Embind API: reference embeddings, tokenization, batching, hostile model
// files (coded errors, module still usable), threads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  DIST,
  TESTDATA,
  TINY,
  expectedBadModelCode,
  listBadModels,
  maxAbsDiff,
  readModelFiles,
  readReference,
  requireTestdata,
  requireWasmBuild,
} from './helpers.mjs';

const TOL = 1e-4;
let Module;
let fe;
let ref;
const worst = { mean: 0, hidden: 0, batch: 0 };

function load(dir) {
  const f = readModelFiles(dir);
  return Module.FeatureExtractor.load(f['config.json'], f['model.safetensors'], f['vocab.txt']);
}

before(async () => {
  requireWasmBuild();
  requireTestdata();
  const { default: createPocketformer } = await import(
    pathToFileURL(path.join(DIST, 'pocketformer-simd-mt.mjs')).href
  );
  Module = await createPocketformer({ numThreads: 2 });
  ref = readReference();
  fe = load(TINY);
});

after(() => {
  fe?.delete();
  Module?.setNumThreads(1);
  console.log(
    `wasm (node) max abs error: mean_pooled_normalized ${worst.mean.toExponential(2)}, ` +
      `last_hidden_state ${worst.hidden.toExponential(2)}, batch ${worst.batch.toExponential(2)}`,
  );
});

test('module basics: version, threads', () => {
  assert.match(Module.version(), /\d+\.\d+/);
  const used = Module.setNumThreads(2);
  assert.equal(used, 2, 'two threads in use under node (pthreads)');
  assert.equal(Module.numThreads(), 2);
  assert.equal(fe.hiddenSize(), ref.model.hidden_size);
  assert.equal(fe.maxLength(), ref.model.max_position_embeddings);
});

test('input_ids equal the reference tokenizer for every case', () => {
  for (const c of ref.cases) {
    const ids = fe.tokenize(c.text);
    assert.ok(ids instanceof Int32Array);
    assert.deepEqual(Array.from(ids), c.input_ids, `text ${JSON.stringify(c.text)}`);
  }
});

test('mean pooled + normalized embeddings match the reference (every case)', () => {
  for (const c of ref.cases) {
    const out = fe.run([c.text], 'mean', true);
    assert.deepEqual(Array.from(out.dims), [1, ref.model.hidden_size]);
    const d = maxAbsDiff(out.data, c.mean_pooled_normalized);
    worst.mean = Math.max(worst.mean, d);
    assert.ok(d <= TOL, `${JSON.stringify(c.text.slice(0, 40))}: max abs diff ${d}`);
    const raw = fe.run([c.text], 'mean', false);
    const d2 = maxAbsDiff(raw.data, c.mean_pooled);
    assert.ok(d2 <= TOL, `unnormalized mean: max abs diff ${d2}`);
  }
});

test("last_hidden_state (pooling 'none') matches the reference (every case)", () => {
  for (const c of ref.cases) {
    const out = fe.run([c.text], 'none', false);
    assert.deepEqual(Array.from(out.dims), [1, ...c.shape]);
    const d = maxAbsDiff(out.data, c.last_hidden_state);
    worst.hidden = Math.max(worst.hidden, d);
    assert.ok(d <= TOL, `${JSON.stringify(c.text.slice(0, 40))}: max abs diff ${d}`);
  }
});

test("pooling 'cls' returns the first token's hidden state", () => {
  const c = ref.cases[0];
  const out = fe.run([c.text], 'cls', false);
  const h = ref.model.hidden_size;
  assert.ok(maxAbsDiff(out.data, c.last_hidden_state.slice(0, h)) <= TOL);
});

test('a batch equals the reference batch; similarity matches', () => {
  const out = fe.run(ref.batch.texts, 'mean', true);
  const h = ref.model.hidden_size;
  assert.deepEqual(Array.from(out.dims), [ref.batch.texts.length, h]);
  ref.batch.mean_pooled_normalized.forEach((row, i) => {
    const d = maxAbsDiff(out.data.subarray(i * h, (i + 1) * h), row);
    worst.batch = Math.max(worst.batch, d);
    assert.ok(d <= TOL, `batch row ${i}: max abs diff ${d}`);
  });
  const s = fe.run([ref.similarity.a, ref.similarity.b], 'mean', true);
  let dot = 0;
  for (let j = 0; j < h; j++) dot += s.data[j] * s.data[h + j];
  assert.ok(Math.abs(dot - ref.similarity.cosine) <= TOL, `cosine ${dot} vs ${ref.similarity.cosine}`);
});

test('bad arguments throw coded errors and leave the module usable', () => {
  assert.throws(() => fe.run([1], 'mean', true), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => fe.run(['x'], 'median', true), (e) => typeof e.code === 'string' && /pool/i.test(e.message));
  assert.equal(fe.run(['ok'], 'mean', true).dims[1], ref.model.hidden_size);
});

test('every hostile model fails with the right code and message; module still works after each', () => {
  const cases = listBadModels();
  assert.ok(cases.length >= 30, `only ${cases.length} bad-model cases`);
  const good = ref.cases[0];
  for (const bad of cases) {
    const f = readModelFiles(bad.dir);
    let error = null;
    let loaded = null;
    try {
      loaded = Module.FeatureExtractor.load(f['config.json'], f['model.safetensors'], f['vocab.txt']);
    } catch (e) {
      error = e;
    }
    loaded?.delete();
    assert.ok(error, `${bad.name}: loaded without an error`);
    assert.ok(error instanceof Error, `${bad.name}: threw a non-Error ${String(error)}`);
    assert.ok(
      expectedBadModelCode(bad.name).includes(error.code),
      `${bad.name}: code ${error.code}, expected ${expectedBadModelCode(bad.name).join('|')} (${error.message})`,
    );
    assert.ok(
      error.message.toLowerCase().includes(bad.expect),
      `${bad.name}: message '${error.message}' lacks '${bad.expect}'`,
    );
    // The module is still healthy: a good embed matches the reference.
    const out = fe.run([good.text], 'mean', true);
    assert.ok(maxAbsDiff(out.data, good.mean_pooled_normalized) <= TOL, `${bad.name}: module damaged`);
  }
  // And a fresh good load still works.
  const again = load(TINY);
  assert.ok(maxAbsDiff(again.run([good.text], 'mean', true).data, good.mean_pooled_normalized) <= TOL);
  again.delete();
});

test('BF16 weights (tiny-bert-bf16) match their reference', (t) => {
  const dir = path.join(TESTDATA, 'tiny-bert-bf16');
  if (!fs.existsSync(path.join(dir, 'reference.json'))) {
    throw new Error("build/testdata/tiny-bert-bf16 is missing: run 'npm run testdata'");
  }
  const bref = readReference(dir);
  const bfe = load(dir);
  try {
    for (const c of bref.cases) {
      const d = maxAbsDiff(bfe.run([c.text], 'mean', true).data, c.mean_pooled_normalized);
      assert.ok(d <= TOL, `${JSON.stringify(c.text.slice(0, 40))}: max abs diff ${d}`);
    }
  } finally {
    bfe.delete();
  }
});
