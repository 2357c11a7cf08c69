// Node's model cache (and env.localModelPath, the local copies looked at
// before the hub): files of a remote model (a repo id resolved against
// env.remoteHost) are written to env.cacheDir on the first load and read
// from there on the next one — no download, same numbers; loopback URLs and
// useFSCache = false are not cached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { pipeline, env, shutdown } from '../../web/src/index.js';
import { TINY, maxAbsDiff, readReference, requireTestdata, requireWasmBuild } from './helpers.mjs';

let server;
let port;
let cacheDir;
/** @type {string[]} paths served with 200 */
const served = [];
const saved = {};

before(async () => {
  requireWasmBuild();
  requireTestdata();
  // A stand-in for the hub: /{repo}/resolve/main/{file} from the test model.
  server = http.createServer((req, res) => {
    const m = /^\/org\/tiny\/resolve\/main\/([^/]+)$/.exec(req.url) || /^\/plain\/([^/]+)$/.exec(req.url);
    const file = m && path.join(TINY, m[1]);
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    served.push(req.url);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cache-'));
  for (const k of ['remoteHost', 'cacheDir', 'useFSCache', 'localModelPath', 'allowRemoteModels']) saved[k] = env[k];
  env.remoteHost = `http://127.0.0.1:${port}`;
  env.cacheDir = cacheDir;
  env.useFSCache = true;
  env.numThreads = 2;
});

after(async () => {
  Object.assign(env, saved);
  shutdown();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

async function embedFirstCase(model) {
  const ref = readReference();
  const events = [];
  const fe = await pipeline('feature-extraction', model, { progress_callback: (e) => events.push(e) });
  try {
    const out = await fe(ref.cases[0].text, { pooling: 'mean', normalize: true });
    return { d: maxAbsDiff(out.data, ref.cases[0].mean_pooled_normalized), events };
  } finally {
    await fe.dispose();
  }
}

test('Node default cache directory is under ~/.cache (or $XDG_CACHE_HOME)', () => {
  const want = process.env.XDG_CACHE_HOME
    ? path.join(process.env.XDG_CACHE_HOME, 'pocketformer')
    : path.join(os.homedir(), '.cache', 'pocketformer');
  assert.equal(saved.cacheDir, want);
  assert.equal(saved.useFSCache, true);
});

test('a repo id is downloaded once, then loaded from env.cacheDir', async () => {
  const first = await embedFirstCase('org/tiny');
  assert.ok(first.d <= 1e-4, `first load: ${first.d}`);
  const downloaded = served.filter((u) => u.startsWith('/org/tiny/'));
  assert.ok(downloaded.some((u) => u.endsWith('/model.safetensors')), downloaded.join(' '));
  const cached = fs.readdirSync(cacheDir).filter((f) => !f.endsWith('.partial'));
  assert.deepEqual(cached.map((f) => f.replace(/^[0-9a-f]{64}-/, '')).sort(),
    downloaded.map((u) => u.split('/').pop()).sort());
  // Byte-identical copies.
  for (const f of cached) {
    const name = f.replace(/^[0-9a-f]{64}-/, '');
    assert.deepEqual(fs.readFileSync(path.join(cacheDir, f)), fs.readFileSync(path.join(TINY, name)), name);
  }

  const before = served.length;
  const second = await embedFirstCase('org/tiny');
  assert.equal(second.d, first.d);
  assert.deepEqual(served.slice(before), [], 'the second load downloaded nothing');
  // Progress is still reported for cached files.
  const done = second.events.filter((e) => e.status === 'done').map((e) => e.file);
  assert.ok(done.includes('model.safetensors'), JSON.stringify(second.events));
});

test('loopback URLs and useFSCache = false are not cached', async () => {
  const entries = fs.readdirSync(cacheDir).length;
  let before = served.length;
  await embedFirstCase(`http://127.0.0.1:${port}/plain/`);
  await embedFirstCase(`http://127.0.0.1:${port}/plain/`);
  assert.equal(served.slice(before).filter((u) => u.endsWith('model.safetensors')).length, 2);
  assert.equal(fs.readdirSync(cacheDir).length, entries);

  env.useFSCache = false;
  try {
    before = served.length;
    await embedFirstCase('org/tiny');
    assert.ok(served.slice(before).some((u) => u.endsWith('/model.safetensors')), 'downloaded again');
  } finally {
    env.useFSCache = true;
  }
});

test('env.localModelPath: repo ids are read from a local copy first, missing files from the hub', async () => {
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-local-'));
  const copy = path.join(local, 'org', 'tiny');
  fs.mkdirSync(copy, { recursive: true });
  for (const f of ['config.json', 'model.safetensors']) fs.copyFileSync(path.join(TINY, f), path.join(copy, f));
  env.useFSCache = false;
  env.localModelPath = local;
  try {
    let before = served.length;
    const partial = await embedFirstCase('org/tiny');
    assert.ok(partial.d <= 1e-4, `${partial.d}`);
    const fromHub = served.slice(before).map((u) => u.split('/').pop());
    assert.ok(fromHub.includes('vocab.txt'), fromHub.join(' '));
    assert.ok(!fromHub.includes('config.json') && !fromHub.includes('model.safetensors'), fromHub.join(' '));

    for (const f of fs.readdirSync(TINY)) fs.copyFileSync(path.join(TINY, f), path.join(copy, f));
    env.allowRemoteModels = false;
    before = served.length;
    const offline = await embedFirstCase('org/tiny');
    assert.equal(offline.d, partial.d);
    assert.deepEqual(served.slice(before), [], 'a complete local copy needs no hub');

    env.localModelPath = path.join(local, 'nowhere');
    await assert.rejects(embedFirstCase('org/tiny'), (e) => e.code === 'MODEL_NOT_FOUND' && e.message.includes(path.join(local, 'nowhere', 'org', 'tiny')));
  } finally {
    env.useFSCache = true;
    env.localModelPath = saved.localModelPath;
    env.allowRemoteModels = saved.allowRemoteModels;
    fs.rmSync(local, { recursive: true, force: true });
  }
});
