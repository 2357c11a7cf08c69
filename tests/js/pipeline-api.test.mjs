// The package's JS layer (model resolution, downloads + progress, abort,
// queueing, dispose, error codes), run against a tiny stand-in for the wasm
// module (tests/js/fixtures/fake-dist) so it is fast and deterministic. The
// real module is exercised in wasm.test.mjs and pipeline-node.test.mjs.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { pipeline, env, shutdown, PocketformerError } from '../../web/src/index.js';
import { resolveModelSource } from '../../web/src/files.js';
import { createServer } from '../../scripts/serve.mjs';
import { FAKE_DIST, ROOT, TINY, readModelFiles, requireTestdata } from './helpers.mjs';

env.wasmBaseUrl = pathToFileURL(FAKE_DIST + '/');
env.numThreads = 2;

let server;
let base;

before(async () => {
  requireTestdata();
  server = createServer(ROOT);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  shutdown();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function rejectsWithCode(promise, code, messagePart) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Error, 'an Error');
    assert.equal(e.code, code, `code (message: ${e.message})`);
    if (messagePart) assert.match(e.message, messagePart);
    return true;
  });
}

test('unknown task -> UNSUPPORTED_TASK', async () => {
  await rejectsWithCode(pipeline('translation', TINY), 'UNSUPPORTED_TASK', /translation/);
  // A known task with files of another kind: a clear MODEL_NOT_FOUND naming what it needs.
  await rejectsWithCode(
    pipeline('text-generation', { 'vocab.txt': '[PAD]' }), 'MODEL_NOT_FOUND', /tokenizer\.bin/);
});

test("unsupported dtype -> UNSUPPORTED; f32 / int8 / q4 load", async () => {
  await rejectsWithCode(pipeline('feature-extraction', TINY, { dtype: 'q2' }), 'UNSUPPORTED', /q2/);
  for (const dtype of ['f32', 'int8', 'q4']) {
    const fe = await pipeline('feature-extraction', TINY, { dtype });
    await fe.dispose();
  }
});

test('abort before load -> ABORTED, nothing read', async () => {
  const controller = new AbortController();
  controller.abort();
  const events = [];
  await rejectsWithCode(
    pipeline('feature-extraction', readModelFiles(), {
      signal: controller.signal,
      progress_callback: (e) => events.push(e),
    }),
    'ABORTED',
  );
  assert.equal(events.length, 0);
});

test('file map (string, Uint8Array, ArrayBuffer, Blob) works; alias embeddings', async () => {
  const files = readModelFiles();
  const weights = files['model.safetensors'];
  const variants = [
    files,
    {
      'config.json': new Blob([files['config.json']]),
      'model.safetensors': weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      'vocab.txt': new TextEncoder().encode(files['vocab.txt']),
    },
  ];
  for (const map of variants) {
    const events = [];
    const fe = await pipeline('embeddings', map, { progress_callback: (e) => events.push(e) });
    assert.equal(typeof fe, 'function');
    assert.equal(fe.task, 'feature-extraction');
    const out = await fe(['the cat', 'a dog'], { pooling: 'mean', normalize: true });
    assert.deepEqual(out.dims, [2, 64]);
    assert.ok(out.data instanceof Float32Array);
    const list = out.tolist();
    assert.equal(list.length, 2);
    assert.equal(list[1].length, 64);
    assert.equal(list[1][3], out.data[64 + 3]);
    const single = await fe('the cat', { pooling: 'mean', normalize: true });
    assert.deepEqual(single.dims, [1, 64]);
    assert.deepEqual(Array.from(single.data), Array.from(out.data.subarray(0, 64)));
    assert.ok(events.some((e) => e.status === 'done' && e.file === 'model.safetensors'));
    assert.equal(events.at(-1).status, 'ready');
    const ids = await fe.tokenizer.encode('the cat');
    assert.ok(Array.isArray(ids));
    assert.equal(ids[0], 101);
    assert.equal(ids.at(-1), 102);
    await fe.dispose();
  }
});

test('file map missing a file -> MODEL_NOT_FOUND naming it', async () => {
  const files = readModelFiles();
  delete files['vocab.txt'];
  await rejectsWithCode(pipeline('feature-extraction', files), 'MODEL_NOT_FOUND', /vocab\.txt/);
});

test('local directory: path, relative path, file:// URL; missing dir -> MODEL_NOT_FOUND', async () => {
  for (const model of [TINY, path.relative(process.cwd(), TINY) || '.', pathToFileURL(TINY).href]) {
    const fe = await pipeline('feature-extraction', model);
    const out = await fe('hello', { pooling: 'cls' });
    assert.deepEqual(out.dims, [1, 64]);
    assert.equal(fe.info.files['model.safetensors'], fs.statSync(path.join(TINY, 'model.safetensors')).size);
    await fe.dispose();
  }
  await rejectsWithCode(
    pipeline('feature-extraction', path.join(TINY, 'no-such-dir')),
    'MODEL_NOT_FOUND',
    /no-such-dir/,
  );
});

test('http folder URL streams with progress events; 404 -> MODEL_NOT_FOUND naming the URL', async () => {
  const events = [];
  const url = `${base}/build/testdata/tiny-bert/`;
  const fe = await pipeline('feature-extraction', url, { progress_callback: (e) => events.push(e) });
  const size = fs.statSync(path.join(TINY, 'model.safetensors')).size;
  const st = events.filter((e) => e.file === 'model.safetensors');
  assert.deepEqual(
    [...new Set(st.map((e) => e.status))],
    ['initiate', 'download', 'progress', 'done'],
  );
  const last = st.at(-1);
  assert.equal(last.loaded, size);
  assert.equal(last.total, size);
  assert.equal(last.progress, 100);
  assert.ok(st.filter((e) => e.status === 'progress').every((e) => e.total === size && e.loaded <= size));
  assert.equal(events.at(-1).status, 'ready');
  assert.equal(fe.info.source, url);
  await fe.dispose();

  const missing = `${base}/build/testdata/does-not-exist/`;
  await rejectsWithCode(
    pipeline('feature-extraction', missing),
    'MODEL_NOT_FOUND',
    new RegExp(missing.replaceAll('/', '\\/').replaceAll('.', '\\.') + 'config\\.json'),
  );
});

test('hub ids resolve with remoteHost + remotePathTemplate + revision', async () => {
  const r = await resolveModelSource('Xenova/all-MiniLM-L6-v2', { env, revision: 'main' });
  assert.equal(r.base, 'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/');
  const r2 = await resolveModelSource('bert-tiny', { env, revision: 'refs/pr/1' });
  assert.equal(r2.base, 'https://huggingface.co/bert-tiny/resolve/refs%2Fpr%2F1/');
  // A hub served from a local mirror: fetched through the same path.
  const saved = { ...env };
  try {
    env.remoteHost = `${base}/build/`;
    env.remotePathTemplate = 'testdata/{model}/';
    env.useFSCache = false; // the cache has its own test (model-cache.test.mjs)
    const fe = await pipeline('feature-extraction', 'tiny-bert');
    assert.equal(fe.info.source, `${base}/build/testdata/tiny-bert/`);
    await fe.dispose();
    env.allowRemoteModels = false;
    await rejectsWithCode(pipeline('feature-extraction', 'someone/model'), 'MODEL_NOT_FOUND', /allowRemoteModels/);
  } finally {
    Object.assign(env, saved);
  }
});

test('abort during download -> ABORTED', async () => {
  // A server that sends the headers and a little data, then stalls.
  const stall = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Length': '1000000' });
    res.write(Buffer.alloc(1000));
  });
  await new Promise((resolve) => stall.listen(0, '127.0.0.1', resolve));
  try {
    const controller = new AbortController();
    const events = [];
    const p = pipeline('feature-extraction', `http://127.0.0.1:${stall.address().port}/m/`, {
      signal: controller.signal,
      progress_callback: (e) => {
        events.push(e);
        if (e.status === 'progress' && e.loaded > 0) controller.abort();
      },
    });
    await rejectsWithCode(p, 'ABORTED');
    assert.ok(events.some((e) => e.status === 'progress'));
  } finally {
    stall.closeAllConnections();
    await new Promise((resolve) => stall.close(resolve));
  }
});

test('abort after load rejects queued runs and later calls with ABORTED', async () => {
  const files = readModelFiles();
  const cfg = JSON.parse(files['config.json']);
  cfg._fake_delay_ms = 50;
  files['config.json'] = JSON.stringify(cfg);
  const controller = new AbortController();
  const fe = await pipeline('feature-extraction', files, { signal: controller.signal });
  const runs = [fe('a'), fe('b'), fe('c')];
  controller.abort();
  const settled = await Promise.allSettled(runs);
  for (const r of settled) {
    assert.equal(r.status, 'rejected');
    assert.equal(r.reason.code, 'ABORTED');
  }
  await rejectsWithCode(fe('d'), 'ABORTED');
  await fe.dispose();
});

test('per-call signal and dispose(): waiting calls rejected, later calls DISPOSED', async () => {
  const files = readModelFiles();
  const cfg = JSON.parse(files['config.json']);
  cfg._fake_delay_ms = 30;
  files['config.json'] = JSON.stringify(cfg);
  const fe = await pipeline('feature-extraction', files);
  const c = new AbortController();
  const first = fe('one');
  const second = fe('two', { signal: c.signal });
  c.abort();
  await rejectsWithCode(second, 'ABORTED');
  const out = await first;
  assert.deepEqual(out.dims, [1, 64]);
  const waiting = Promise.allSettled([fe('x'), fe('y')]);
  await fe.dispose();
  const settled = await waiting;
  assert.ok(settled.every((r) => r.status === 'rejected' && r.reason.code === 'DISPOSED'));
  await rejectsWithCode(fe('z'), 'DISPOSED');
  await fe.dispose(); // twice is fine
});

test('bad arguments -> INVALID_ARGUMENT', async () => {
  const fe = await pipeline('feature-extraction', readModelFiles());
  await rejectsWithCode(fe(42), 'INVALID_ARGUMENT');
  await rejectsWithCode(fe(['ok', null]), 'INVALID_ARGUMENT');
  await rejectsWithCode(fe('x', { pooling: 'median' }), 'INVALID_ARGUMENT', /pooling/);
  await rejectsWithCode(pipeline('feature-extraction', 12), 'INVALID_ARGUMENT');
  const empty = await fe([], { pooling: 'mean' });
  assert.deepEqual(empty.dims, [0, 64]);
  await fe.dispose();
});

test('missing wasm build -> WASM_NOT_FOUND saying to build', async () => {
  const saved = env.wasmBaseUrl;
  try {
    env.wasmBaseUrl = pathToFileURL(path.join(ROOT, 'tests/js/fixtures/no-such-dist/'));
    await rejectsWithCode(pipeline('feature-extraction', readModelFiles()), 'WASM_NOT_FOUND', /npm run build/);
  } finally {
    env.wasmBaseUrl = saved;
  }
});
