// The demo page as a person uses it: load, click Compare, read the cosine.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';

const TOL = 1e-4;
// The demo's default model lives in build/models (made by `npm run demo`);
// the tests point it at the identical test model through ?model=.
const URL = '/demo/?model=../build/testdata/tiny-bert/';

test.beforeAll(() => {
  for (const [file, how] of [
    ['dist/pocketformer-simd-mt.mjs', "run 'npm run build'"],
    ['build/testdata/tiny-bert/reference.json', "run 'npm run testdata'"],
  ]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${how}`);
  }
  fs.mkdirSync('test-results', { recursive: true });
});

function reference() {
  return JSON.parse(fs.readFileSync('build/testdata/tiny-bert/reference.json', 'utf8'));
}

async function compareOnDemo(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(URL);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  const ref = reference();
  await expect(page.locator('#text-a')).toHaveValue(ref.similarity.a);
  await expect(page.locator('#text-b')).toHaveValue(ref.similarity.b);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done');
  const text = (await page.locator('#similarity').textContent()).trim();
  expect(text).toMatch(/^-?\d\.\d{6}$/);
  return { text, ref, errors };
}

test('demo: Compare shows the reference cosine; threads and isolation shown', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const { text, ref, errors } = await compareOnDemo(page);
  const cosine = Number(text);
  console.log(`demo #similarity ${text} vs reference ${ref.similarity.cosine.toFixed(6)}`);
  expect(Math.abs(cosine - ref.similarity.cosine)).toBeLessThanOrEqual(TOL);
  expect(Number(await page.locator('#threads').textContent())).toBeGreaterThan(1);
  await expect(page.locator('#isolated')).toHaveText('yes');
  await expect(page.locator('#load-time')).toHaveText(/\d/);
  await expect(page.locator('#latency')).toHaveText(/\d/);
  await expect(page.locator('#model-notice')).toBeVisible();
  await expect(page.locator('#model-notice')).toContainText('randomly initialised');
  await expect(page.locator('#files li')).toHaveCount(3);
  await expect(page.locator('#files li.done')).toHaveCount(3);
  await page.screenshot({ path: 'test-results/demo.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('demo at phone width (390px): same result, nothing overflows', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { text, ref } = await compareOnDemo(page);
  expect(Math.abs(Number(text) - ref.similarity.cosine)).toBeLessThanOrEqual(TOL);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/demo-390.png', fullPage: true });
});

test('demo: a missing model folder shows a clear error', async ({ page }) => {
  await page.goto('/demo/?model=../build/testdata/no-such-model/');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error');
  await expect(page.locator('#status')).toContainText('MODEL_NOT_FOUND');
  await expect(page.locator('#status')).toContainText('no-such-model/');
  await expect(page.getByRole('button', { name: 'Compare' })).toBeDisabled();
});

test('demo: the precision selector reloads the model quantized (int8 close to f32)', async ({ page }) => {
  const { ref } = await compareOnDemo(page);
  await page.locator('#dtype-select').selectOption('int8');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done');
  const cosine = Number((await page.locator('#similarity').textContent()).trim());
  console.log(`demo int8 #similarity ${cosine} vs f32 reference ${ref.similarity.cosine.toFixed(6)}`);
  // int8 keeps pooled embeddings at cosine >= 0.999 to f32, so their
  // similarity moves by well under 0.02.
  expect(Math.abs(cosine - ref.similarity.cosine)).toBeLessThanOrEqual(0.02);
  expect(cosine).not.toBe(Number(ref.similarity.cosine.toFixed(6)));
});
