// Many requests at once against one worker holding two models: 100
// interleaved calls (embeddings and classification), every other one aborted
// at a different moment (before the call, while waiting in the queue, or
// while its batch may already be running). The aborted ones reject with
// ABORTED; every other one must still equal the PyTorch reference — an abort
// must never shift or mix up another request's result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { pipeline, env, shutdown } from '../../web/src/index.js';
import {
  TESTDATA,
  maxAbsDiff,
  readModelFiles,
  readReference,
  requireFile,
  requireTestdata,
  requireWasmBuild,
} from './helpers.mjs';

const TOL = 1e-4;
const REQUESTS = 100;
let embedRef;
let clsRef;
let extractor;
let classifier;

before(async () => {
  requireWasmBuild();
  requireTestdata();
  const clsDir = path.join(TESTDATA, 'tiny-heads', 'bert-seq-cls');
  requireFile(path.join(clsDir, 'reference.json'), "run 'npm run testdata' (bash scripts/make-testdata.sh)");
  embedRef = readReference();
  clsRef = JSON.parse(fs.readFileSync(path.join(clsDir, 'reference.json'), 'utf8'));
  env.numThreads = 2;
  extractor = await pipeline('feature-extraction', readModelFiles());
  classifier = await pipeline('text-classification', readModelFiles(clsDir));
});

after(async () => {
  await extractor?.dispose();
  await classifier?.dispose();
  shutdown();
});

/** Deterministic request plan: kind, reference case, and how it is aborted. */
function plan() {
  const out = [];
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 0; i < REQUESTS; i++) {
    const kind = next() % 2 === 0 ? 'embed' : 'classify';
    const cases = kind === 'embed' ? embedRef.cases : clsRef.cases;
    // Every other request is aborted; the way rotates over three moments.
    const abort = i % 2 === 1 ? ['before', 'queued', 'soon'][((i - 1) / 2) % 3] : null;
    out.push({ i, kind, caseIndex: next() % cases.length, abort });
  }
  return out;
}

function checkEmbedding(out, c, what) {
  const h = embedRef.model.hidden_size;
  assert.deepEqual(out.dims, [1, h], what);
  const d = maxAbsDiff(out.data, c.mean_pooled_normalized);
  assert.ok(d <= TOL, `${what}: max abs error ${d}`);
}

function checkClassification(out, c, what) {
  const want = c.results.top1;
  assert.equal(out.length, 1, what);
  assert.equal(out[0].label, want[0].label, what);
  assert.ok(Math.abs(out[0].score - want[0].score) <= TOL, `${what}: score ${out[0].score} vs ${want[0].score}`);
}

test(`${REQUESTS} interleaved requests to one worker (two models), half aborted: the rest are exact`, async () => {
  assert.equal(extractor.info.worker, true);
  const stats = await extractor.runtimeStats();
  assert.equal(stats.models, 2, 'both pipelines share one runtime');

  const requests = plan();
  const pending = requests.map((r) => {
    const controller = new AbortController();
    if (r.abort === 'before') controller.abort();
    const options = { signal: controller.signal };
    const promise =
      r.kind === 'embed'
        ? extractor(embedRef.cases[r.caseIndex].text, { ...options, pooling: 'mean', normalize: true })
        : classifier(clsRef.cases[r.caseIndex].text, options);
    if (r.abort === 'queued') controller.abort();
    if (r.abort === 'soon') setTimeout(() => controller.abort(), r.i % 7);
    return promise.then(
      (value) => ({ r, value }),
      (error) => ({ r, error }),
    );
  });
  const results = await Promise.all(pending);

  let completed = 0;
  let aborted = 0;
  for (const { r, value, error } of results) {
    const what = `request ${r.i} (${r.kind}, case ${r.caseIndex}, abort ${r.abort})`;
    if (r.abort === null) {
      assert.equal(error, undefined, `${what}: ${error?.message}`);
      if (r.kind === 'embed') checkEmbedding(value, embedRef.cases[r.caseIndex], what);
      else checkClassification(value, clsRef.cases[r.caseIndex], what);
      completed++;
    } else if (error) {
      assert.equal(error.code, 'ABORTED', `${what}: ${error.message}`);
      aborted++;
    } else {
      // A 'soon' abort may come after the result: then the result must be right.
      assert.equal(r.abort, 'soon', `${what} was not aborted`);
      if (r.kind === 'embed') checkEmbedding(value, embedRef.cases[r.caseIndex], what);
      else checkClassification(value, clsRef.cases[r.caseIndex], what);
    }
  }
  assert.equal(completed, REQUESTS / 2);
  // 'before' and 'queued' aborts always win: at least two thirds of the aborted half.
  assert.ok(aborted >= Math.floor((REQUESTS / 2) * (2 / 3)), `only ${aborted} requests were aborted`);
  console.log(`${completed} completed exactly, ${aborted} of ${REQUESTS / 2} aborted`);

  // The runtime still serves both models afterwards.
  const after1 = await extractor(embedRef.cases[0].text, { pooling: 'mean', normalize: true });
  checkEmbedding(after1, embedRef.cases[0], 'after the storm');
  const after2 = await classifier(clsRef.cases[0].text);
  checkClassification(after2, clsRef.cases[0], 'after the storm');
});
