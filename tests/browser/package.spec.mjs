// The installed npm tarball in Chromium, two ways a site uses it: a plain
// page with one <script type="module"> (no bundler), and a Vite 7 production
// build. Both must give the reference embedding. The tarball and the app are
// made by tests/package/prepare.mjs (also run by tests/js/package.test.mjs).
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

import { prepare, APP, ROOT } from '../package/prepare.mjs';

const REFERENCE = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'build/testdata/tiny-bert/reference.json'), 'utf8'),
);
const APP_URL = '/' + path.relative(ROOT, APP) + '/';

test.beforeAll(() => {
  if (!fs.existsSync(path.join(APP, 'vite/dist/index.html'))) prepare();
});

async function embeddingFrom(page, url) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const c = REFERENCE.cases[0];
  await page.goto(`${url}?text=${encodeURIComponent(c.text)}`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20_000 });
  const result = await page.evaluate(() => window.result);
  expect(errors).toEqual([]);
  expect(result.error).toBeUndefined();
  let worst = 0;
  result.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - c.mean_pooled_normalized[i]))));
  return { result, worst };
}

test('plain page, no bundler: import from node_modules/pocketformer', async ({ page }) => {
  const { result, worst } = await embeddingFrom(page, APP_URL + 'static.html');
  console.log(`static page: ${result.info.variant}, ${result.info.threads} threads, max abs error ${worst.toExponential(2)}`);
  expect(result.info.worker).toBe(true);
  expect(worst).toBeLessThanOrEqual(1e-4);
});

test('Vite 7 production build', async ({ page }) => {
  const { result, worst } = await embeddingFrom(page, APP_URL + 'vite/dist/index.html');
  console.log(`vite build: ${result.info.variant}, ${result.info.threads} threads, max abs error ${worst.toExponential(2)}`);
  expect(result.info.worker).toBe(true);
  expect(worst).toBeLessThanOrEqual(1e-4);
});
