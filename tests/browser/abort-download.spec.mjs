// Abort in the middle of a download in Chromium: a server (another origin,
// with CORS + CORP headers so a cross-origin-isolated page may read it) sends
// config.json, then only the first bytes of model.safetensors and stalls.
// Aborting on the first progress event must reject with ABORTED at once, and
// the worker must go on serving.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';

const TINY = 'build/testdata/tiny-bert';
let server;
let port;
const stalled = [];

test.beforeAll(async () => {
  if (!fs.existsSync(`${TINY}/reference.json`)) throw new Error("run 'npm run testdata'");
  server = http.createServer((req, res) => {
    const headers = {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    const file = req.url.replace(/^\/slow\//, '');
    if (file === 'model.safetensors') {
      res.writeHead(200, { ...headers, 'Content-Length': String(4 << 20) });
      res.write(Buffer.alloc(64 << 10));
      stalled.push(res); // never finished: only the abort can end this load
      return;
    }
    if (!/^[\w.]+$/.test(file) || !fs.existsSync(`${TINY}/${file}`)) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, headers).end(fs.readFileSync(`${TINY}/${file}`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});

test.afterAll(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('abort mid-download: ABORTED at once, the worker keeps serving', async ({ page }) => {
  await page.goto('/tests/browser/harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  const r = await page.evaluate(async (url) => {
    const { pipeline } = await import('/web/src/index.js');
    const controller = new AbortController();
    const events = [];
    let abortedAt = 0;
    const started = performance.now();
    let code = null;
    try {
      await pipeline('feature-extraction', url, {
        signal: controller.signal,
        progress_callback: (e) => {
          events.push(`${e.status}:${e.file}:${e.loaded ?? ''}`);
          if (e.status === 'progress' && e.file === 'model.safetensors' && e.loaded > 0 && !abortedAt) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      });
    } catch (e) {
      code = e.code;
    }
    return { code, events, msAfterAbort: performance.now() - abortedAt, sawProgress: abortedAt > started };
  }, `http://127.0.0.1:${port}/slow/`);
  expect(r.sawProgress, r.events.join(' ')).toBe(true);
  expect(r.code).toBe('ABORTED');
  expect(r.msAfterAbort).toBeLessThan(2000);
  // The same page's runtime loads and runs another model afterwards.
  await page.evaluate((m) => window.harness.load('after', m), '/build/testdata/tiny-bert/');
  const d = await page.evaluate(([n, u]) => window.harness.quickCheck(n, u), ['after', '/build/testdata/tiny-bert/reference.json']);
  expect(d).toBeLessThanOrEqual(1e-4);
});
