// The npm package in Node with the real wasm build: pipeline() with a file
// map and with a directory, checked against the PyTorch reference; a hostile
// model through pipeline() gives a coded PocketformerError and the runtime
// keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { pipeline, env, shutdown, PocketformerError } from '../../web/src/index.js';
import {
  DIST,
  ROOT,
  TESTDATA,
  TINY,
  maxAbsDiff,
  readModelFiles,
  readReference,
  requireTestdata,
  requireWasmBuild,
} from './helpers.mjs';

const TOL = 1e-4;
let ref;
let extractor;

before(async () => {
  requireWasmBuild();
  requireTestdata();
  ref = readReference();
  env.numThreads = 2;
  extractor = await pipeline('feature-extraction', readModelFiles());
});

after(async () => {
  await extractor?.dispose();
  shutdown();
});

test('pipeline() in Node with a file map: runtime info (worker_threads by default)', () => {
  assert.equal(extractor.info.worker, true);
  assert.match(extractor.info.variant, /-mt$/);
  assert.equal(extractor.info.threads, 2);
  assert.equal(extractor.info.hiddenSize, ref.model.hidden_size);
});

test('mean/normalize embeddings of every reference case (one batch)', async () => {
  const texts = ref.cases.map((c) => c.text);
  const out = await extractor(texts, { pooling: 'mean', normalize: true });
  const h = ref.model.hidden_size;
  assert.deepEqual(out.dims, [texts.length, h]);
  let worst = 0;
  ref.cases.forEach((c, i) => {
    const d = maxAbsDiff(out.data.subarray(i * h, (i + 1) * h), c.mean_pooled_normalized);
    worst = Math.max(worst, d);
    assert.ok(d <= TOL, `${JSON.stringify(c.text.slice(0, 40))}: ${d}`);
  });
  const rows = out.tolist();
  assert.equal(rows.length, texts.length);
  console.log(`pipeline (node) batch of ${texts.length}: max abs error ${worst.toExponential(2)}`);
});

test("default pooling is 'none' (token embeddings), like Transformers.js", async () => {
  const c = ref.cases[0];
  const out = await extractor(c.text);
  assert.deepEqual(out.dims, [1, ...c.shape]);
  assert.ok(maxAbsDiff(out.data, c.last_hidden_state) <= TOL);
});

test('tokenizer.encode matches the reference input_ids', async () => {
  for (const c of ref.cases.slice(0, 5)) {
    assert.deepEqual(await extractor.tokenizer.encode(c.text), c.input_ids);
  }
});

test('a directory path works the same', async () => {
  const fe = await pipeline('embeddings', TINY);
  const out = await fe(ref.similarity.a, { pooling: 'mean', normalize: true });
  const out2 = await fe(ref.similarity.b, { pooling: 'mean', normalize: true });
  let dot = 0;
  for (let i = 0; i < out.data.length; i++) dot += out.data[i] * out2.data[i];
  assert.ok(Math.abs(dot - ref.similarity.cosine) <= TOL, `cosine ${dot}`);
  await fe.dispose();
});

test('in-thread (env.useWorker = false) gives the same embeddings as the worker', async () => {
  env.useWorker = false;
  try {
    const fe = await pipeline('feature-extraction', TINY);
    assert.equal(fe.info.worker, false);
    const c = ref.cases[0];
    const out = await fe(c.text, { pooling: 'mean', normalize: true });
    const viaWorker = await extractor(c.text, { pooling: 'mean', normalize: true });
    assert.ok(maxAbsDiff(out.data, c.mean_pooled_normalized) <= TOL);
    assert.ok(maxAbsDiff(out.data, viaWorker.data) <= 1e-6);
    await fe.dispose();
  } finally {
    env.useWorker = true;
  }
});

test('a hostile model rejects with a coded PocketformerError; the runtime keeps serving', async () => {
  const bad = path.join(TESTDATA, 'bad-models', 'st_offsets_oob');
  const err = await pipeline('feature-extraction', bad).catch((e) => e);
  assert.ok(err instanceof PocketformerError, String(err));
  assert.equal(err.code, 'CORRUPT_MODEL');
  assert.match(err.message, /out of bounds/);
  const out = await extractor(ref.cases[0].text, { pooling: 'mean', normalize: true });
  assert.ok(maxAbsDiff(out.data, ref.cases[0].mean_pooled_normalized) <= TOL);
});

test('an architecture we cannot run rejects with UNSUPPORTED_ARCHITECTURE naming it', async () => {
  const files = readModelFiles();
  const config = { ...JSON.parse(files['config.json']), model_type: 'mpnet' };
  const err = await pipeline('feature-extraction', { ...files, 'config.json': JSON.stringify(config) })
    .catch((e) => e);
  assert.ok(err instanceof PocketformerError, String(err));
  assert.equal(err.code, 'UNSUPPORTED_ARCHITECTURE', err.message);
  assert.match(err.message, /mpnet/);
});

test('a model too big for the wasm heap is refused with OUT_OF_MEMORY before loading', async () => {
  // The config asks for activations of ~69 GB (65536 positions x a 262144-wide FFN).
  const files = readModelFiles();
  const cfg = JSON.parse(files['config.json']);
  Object.assign(cfg, { max_position_embeddings: 65536, intermediate_size: 262144 });
  files['config.json'] = JSON.stringify(cfg);
  const err = await pipeline('feature-extraction', files).catch((e) => e);
  assert.ok(err instanceof PocketformerError, String(err));
  assert.equal(err.code, 'OUT_OF_MEMORY');
  assert.match(err.message, /needs about \d+ MB/);
  const out = await extractor(ref.cases[0].text, { pooling: 'mean', normalize: true });
  assert.ok(maxAbsDiff(out.data, ref.cases[0].mean_pooled_normalized) <= TOL);
});

// Optional builds: checked when present, reported as skipped (with the reason) when not.
for (const variant of ['simd-st', 'relaxed-mt']) {
  const file = path.join(DIST, `pocketformer-${variant}.mjs`);
  const present = fs.existsSync(file);
  test(
    `build ${variant} matches the reference`,
    { skip: present ? false : `dist/pocketformer-${variant}.mjs not built (optional)` },
    () => {
      // A child process: relaxed SIMD needs a V8 flag in Node 20, and each
      // build gets its own clean runtime.
      const script = `
        import { pipeline, env, shutdown } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'web/src/index.js')).href)};
        import fs from 'node:fs';
        env.wasmVariant = ${JSON.stringify(variant)};
        env.numThreads = 2;
        const ref = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(TINY, 'reference.json'))}, 'utf8'));
        const fe = await pipeline('feature-extraction', ${JSON.stringify(TINY)});
        const out = await fe(ref.cases.map((c) => c.text), { pooling: 'mean', normalize: true });
        const h = ref.model.hidden_size;
        let worst = 0;
        ref.cases.forEach((c, i) => c.mean_pooled_normalized.forEach((v, j) => {
          worst = Math.max(worst, Math.abs(out.data[i * h + j] - v));
        }));
        console.log(JSON.stringify({ variant: fe.info.variant, threads: fe.info.threads, worst }));
        await fe.dispose();
        shutdown();
      `;
      // A file, not -e: pthread workers inherit execArgv, and --input-type breaks them.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-variant-'));
      const scriptFile = path.join(dir, 'check.mjs');
      fs.writeFileSync(scriptFile, script);
      let stdout;
      try {
        stdout = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', scriptFile], {
          encoding: 'utf8',
          timeout: 60_000,
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      const r = JSON.parse(stdout.trim().split('\n').at(-1));
      console.log(`${variant} (node): ${r.threads} threads, max abs error ${r.worst.toExponential(2)}`);
      assert.equal(r.variant, variant);
      assert.equal(r.threads, variant.endsWith('-mt') ? 2 : 1);
      assert.ok(r.worst <= TOL, `max abs diff ${r.worst}`);
    },
  );
}

test('dtype int8 / q4 quantize at load and stay close to the f32 reference', async () => {
  const bounds = { int8: 0.999, q4: 0.9 };
  for (const [dtype, minCosine] of Object.entries(bounds)) {
    const fe = await pipeline('feature-extraction', readModelFiles(), { dtype });
    try {
      let worst = 1;
      for (const c of ref.cases) {
        const out = await fe(c.text, { pooling: 'mean', normalize: true });
        let dot = 0;
        for (let i = 0; i < out.data.length; i++) dot += out.data[i] * c.mean_pooled_normalized[i];
        worst = Math.min(worst, dot); // both unit vectors
      }
      assert.ok(worst >= minCosine, `${dtype}: worst cosine ${worst} < ${minCosine}`);
    } finally {
      await fe.dispose();
    }
  }
});
