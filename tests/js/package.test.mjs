// The npm tarball installed into a fresh project and used from a Node script
// (`import { pipeline } from 'pocketformer'`), checked against the PyTorch
// reference. Also prints the tarball and gzip'd wasm sizes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { prepare, APP } from '../package/prepare.mjs';
import { maxAbsDiff, readReference, requireTestdata, requireWasmBuild } from './helpers.mjs';

let prepared;
before(() => {
  requireWasmBuild();
  requireTestdata();
  prepared = prepare();
  const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`tarball ${kb(prepared.tarballBytes)}; gzip -9 wasm: ${Object.entries(prepared.wasmGzip)
    .map(([f, n]) => `${f} ${kb(n)}`).join(', ')}`);
});

test('installed tarball works from a Node script (worker_threads) and matches the reference', () => {
  const ref = readReference();
  const c = ref.cases[0];
  const stdout = execFileSync(process.execPath, [path.join(APP, 'node-check.mjs'), c.text], {
    cwd: APP, encoding: 'utf8', timeout: 60_000,
  });
  const out = JSON.parse(stdout);
  assert.deepEqual(out.dims, [1, ref.model.hidden_size]);
  assert.equal(out.info.worker, true);
  const d = maxAbsDiff(Float32Array.from(out.data), c.mean_pooled_normalized);
  assert.ok(d <= 1e-4, `max abs error ${d}`);
});

test('the tarball ships the wasm builds and types, not the sources of the build', () => {
  const list = execFileSync('tar', ['-tzf', prepared.tarball], { encoding: 'utf8' }).split('\n');
  for (const f of ['package/web/src/index.js', 'package/web/src/index.d.ts', 'package/web/src/worker.js',
    'package/dist/pocketformer-simd-mt.wasm', 'package/dist/pocketformer-simd-st.mjs']) {
    assert.ok(list.includes(f), `${f} missing from the tarball`);
  }
  assert.ok(!list.some((f) => f.startsWith('package/src/') || f.startsWith('package/tests/')));
});
