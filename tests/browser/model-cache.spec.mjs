// Browser model cache: files of a model on another origin (a stand-in for
// the hub, served by Playwright's router with CORS + CORP headers) are
// fetched once and then read from the Cache API (default) or, with
// env.useOPFS, from the Origin Private File System.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const HUB = 'https://models.pocketformer.test';
const TINY = 'build/testdata/tiny-bert';
const REFERENCE = '/build/testdata/tiny-bert/reference.json';

test.beforeAll(() => {
  if (!fs.existsSync(`${TINY}/reference.json`)) throw new Error("run 'npm run testdata'");
});

async function openWithHub(page) {
  const served = [];
  await page.route(`${HUB}/**`, async (route) => {
    const m = /\/org\/tiny\/resolve\/main\/([^/?]+)$/.exec(new URL(route.request().url()).pathname);
    const file = m && path.join(TINY, m[1]);
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (!file || !fs.existsSync(file)) {
      await route.fulfill({ status: 404, headers: cors, body: '' });
      return;
    }
    served.push(m[1]);
    await route.fulfill({ status: 200, headers: { ...cors, 'Content-Type': 'application/octet-stream' }, body: fs.readFileSync(file) });
  });
  await page.goto('/tests/browser/harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  await page.evaluate((hub) => window.harness.configure({ remoteHost: hub }), HUB);
  return served;
}

async function loadCheckDispose(page, name) {
  await page.evaluate((n) => window.harness.load(n, 'org/tiny'), name);
  const d = await page.evaluate(([n, u]) => window.harness.quickCheck(n, u), [name, REFERENCE]);
  expect(d).toBeLessThanOrEqual(1e-4);
  await page.evaluate((n) => window.harness.dispose(n), name);
}

test('Cache API (default): a remote model downloads once', async ({ page }) => {
  const served = await openWithHub(page);
  await loadCheckDispose(page, 'a');
  expect(served).toContain('model.safetensors');
  const n = served.length;
  await loadCheckDispose(page, 'b');
  expect(served.slice(n)).toEqual([]);
  const keys = await page.evaluate(async () => {
    const cache = await caches.open('pocketformer-models-v1');
    return (await cache.keys()).map((r) => r.url);
  });
  expect(keys).toContain('https://models.pocketformer.test/org/tiny/resolve/main/model.safetensors');
});

test('env.useOPFS: a remote model downloads once and lives in the OPFS', async ({ page }) => {
  const served = await openWithHub(page);
  await page.evaluate(() => window.harness.configure({ useOPFS: true }));
  await loadCheckDispose(page, 'a');
  expect(served).toContain('model.safetensors');
  const n = served.length;
  await loadCheckDispose(page, 'b');
  expect(served.slice(n)).toEqual([]);
  const stored = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle('pocketformer-models-v1');
    const out = {};
    for await (const [name, handle] of dir.entries()) out[name] = (await handle.getFile()).size;
    const cache = await caches.open('pocketformer-models-v1');
    return { files: out, cacheApiEntries: (await cache.keys()).length };
  });
  const names = Object.keys(stored.files);
  expect(names.some((f) => f.endsWith('.partial'))).toBe(false);
  const safetensors = names.find((f) => f.endsWith('-model.safetensors'));
  expect(safetensors, names.join(' ')).toMatch(/^[0-9a-f]{64}-model\.safetensors$/);
  expect(stored.files[safetensors]).toBe(fs.statSync(`${TINY}/model.safetensors`).size);
  expect(stored.cacheApiEntries).toBe(0);
});
