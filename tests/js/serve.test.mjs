// scripts/serve.mjs: isolation headers, MIME types, HEAD, confinement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';

import { createServer, resolvePath } from '../../scripts/serve.mjs';
import { ROOT } from './helpers.mjs';

let server;
let port;

before(async () => {
  server = createServer(ROOT);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// Raw request (no URL normalisation by a client library).
function request(method, rawPath) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: rawPath }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('isolation headers and MIME types', async () => {
  const cases = [
    ['/web/src/index.js', 'text/javascript'],
    ['/scripts/serve.mjs', 'text/javascript'],
    ['/demo/index.html', 'text/html'],
    ['/demo/style.css', 'text/css'],
    ['/package.json', 'application/json'],
  ];
  if (fs.existsSync(path.join(ROOT, 'build/testdata/tiny-bert'))) {
    cases.push(['/build/testdata/tiny-bert/model.safetensors', 'application/octet-stream']);
    cases.push(['/build/testdata/tiny-bert/vocab.txt', 'text/plain']);
  }
  for (const [p, type] of cases) {
    const res = await request('GET', p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers['content-type'].split(';')[0], type, p);
    assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(res.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
    assert.equal(Number(res.headers['content-length']), fs.statSync(path.join(ROOT, p)).size, p);
  }
  // .wasm, with a stand-in file when no build exists yet
  assert.equal(
    (await request('HEAD', '/tests/js/fixtures/fake-dist/pocketformer-simd-mt.mjs')).headers['content-type'].split(';')[0],
    'text/javascript',
  );
});

test('.wasm is application/wasm; .safetensors octet-stream (temporary root)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-serve-'));
  const tmp = createServer(dir);
  try {
    fs.writeFileSync(path.join(dir, 'x.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    fs.writeFileSync(path.join(dir, 'm.safetensors'), Buffer.alloc(16));
    await new Promise((resolve) => tmp.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${tmp.address().port}`;
    const wasm = await fetch(`${base}/x.wasm`);
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('content-length'), '8');
    assert.ok(WebAssembly.validate(new Uint8Array(await wasm.arrayBuffer())));
    const st = await fetch(`${base}/m.safetensors`, { method: 'HEAD' });
    assert.equal(st.headers.get('content-type'), 'application/octet-stream');
    assert.equal(st.headers.get('content-length'), '16');
  } finally {
    tmp.closeAllConnections();
    await new Promise((resolve) => tmp.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('HEAD has Content-Length and no body; directories redirect and serve index.html', async () => {
  const res = await request('HEAD', '/demo/index.html');
  assert.equal(res.status, 200);
  assert.equal(res.body.length, 0);
  assert.equal(Number(res.headers['content-length']), fs.statSync(path.join(ROOT, 'demo/index.html')).size);
  const redirect = await request('GET', '/demo');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, '/demo/');
  const index = await request('GET', '/demo/');
  assert.equal(index.status, 200);
  assert.match(index.body.toString(), /pocketformer/);
});

test('paths outside the root are refused; missing files 404; POST 405', async () => {
  for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/demo/..%2f..%2f..%2fetc/passwd']) {
    const res = await request('GET', p);
    assert.ok([403, 404].includes(res.status), `${p}: ${res.status}`);
    assert.doesNotMatch(res.body.toString(), /root:/);
  }
  assert.equal(resolvePath('/srv/www', '/../etc/passwd'), '/srv/www/etc/passwd');
  assert.equal(resolvePath('/srv/www', '/a/%00'), null);
  assert.equal((await request('GET', '/no/such/file.js')).status, 404);
  assert.equal((await request('POST', '/demo/')).status, 405);
});

test('CLI: port 0 prints the actual URL', async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/serve.mjs'), '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/pocketformer demo: (http:\/\/127\.0\.0\.1:(\d+)\/demo\/)/);
        if (m) resolve(m);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    assert.notEqual(line[2], '0');
    const res = await fetch(line[1]);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  } finally {
    child.kill('SIGTERM');
  }
});
