// The package in headless Chromium: inside the module Worker, with threads
// (cross-origin isolated), against the PyTorch reference; hostile models give
// coded errors and the worker keeps serving; in-thread mode; abort.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';

const TOL = 1e-4;
const MODEL = '/build/testdata/tiny-bert/';
const REFERENCE = '/build/testdata/tiny-bert/reference.json';

test.beforeAll(() => {
  for (const [file, how] of [
    ['dist/pocketformer-simd-mt.mjs', "run 'npm run build'"],
    ['build/testdata/tiny-bert/reference.json', "run 'npm run testdata'"],
  ]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${how}`);
  }
});

async function openHarness(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/tests/browser/harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  return errors;
}

test('worker + threads: every reference case within 1e-4', async ({ page }) => {
  const pageErrors = await openHarness(page);
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  const { info, events } = await page.evaluate(
    (m) => window.harness.load('tiny', m),
    MODEL,
  );
  expect(info.worker).toBe(true);
  expect(info.environment).toBe('worker');
  expect(info.crossOriginIsolated).toBe(true);
  expect(info.variant).toMatch(/-mt$/);
  expect(info.threads).toBeGreaterThan(1);
  const statuses = new Set(events.filter((e) => e.file === 'model.safetensors').map((e) => e.status));
  expect([...statuses]).toEqual(['initiate', 'download', 'progress', 'done']);
  expect(events.at(-1).status).toBe('ready');

  const r = await page.evaluate(
    ([n, u]) => window.harness.checkReference(n, u),
    ['tiny', REFERENCE],
  );
  console.log(
    `chromium worker (${info.variant}, ${info.threads} threads): ${r.cases} cases, max abs error ` +
      `mean ${r.maxMean.toExponential(2)}, hidden ${r.maxHidden.toExponential(2)}, ` +
      `batch ${r.maxBatch.toExponential(2)}, cosine ${r.cosine.toFixed(6)} vs ${r.referenceCosine.toFixed(6)}`,
  );
  expect(r.cases).toBeGreaterThanOrEqual(10);
  expect(r.idsEqual).toBe(true);
  expect(r.perCase.every((c) => c.dimsOk)).toBe(true);
  expect(r.maxMean).toBeLessThanOrEqual(TOL);
  expect(r.maxHidden).toBeLessThanOrEqual(TOL);
  expect(r.maxBatch).toBeLessThanOrEqual(TOL);
  expect(Math.abs(r.cosine - r.referenceCosine)).toBeLessThanOrEqual(TOL);
  expect(pageErrors).toEqual([]);
});

test('hostile models give coded errors; the worker keeps serving', async ({ page }) => {
  await openHarness(page);
  await page.evaluate((m) => window.harness.load('tiny', m), MODEL);
  const cases = [
    ['st_offsets_oob', 'CORRUPT_MODEL'],
    ['config_missing_hidden_size', 'BAD_CONFIG'],
    ['st_dtype_unknown', 'UNSUPPORTED'],
    ['st_header_len_wrap', 'CORRUPT_MODEL'],
  ];
  for (const [name, code] of cases) {
    const expectText = fs
      .readFileSync(`build/testdata/bad-models/${name}/expect.txt`, 'utf8')
      .trim()
      .toLowerCase();
    const err = await page.evaluate(
      (u) => window.harness.loadExpectingError(u),
      `/build/testdata/bad-models/${name}/`,
    );
    expect(err.isPocketformerError, name).toBe(true);
    expect(err.code, `${name}: ${err.message}`).toBe(code);
    expect(err.message.toLowerCase()).toContain(expectText);
    const d = await page.evaluate(([n, u]) => window.harness.quickCheck(n, u), ['tiny', REFERENCE]);
    expect(d).toBeLessThanOrEqual(TOL);
  }
  const missing = await page.evaluate(
    (u) => window.harness.loadExpectingError(u),
    '/build/testdata/no-such-model/',
  );
  expect(missing.code).toBe('MODEL_NOT_FOUND');
  // The required files download in parallel and the first 404 cancels the rest.
  expect(missing.message).toMatch(/\/build\/testdata\/no-such-model\/(config\.json|model\.safetensors)/);
  const unknownTask = await page.evaluate(() => window.harness.tryTask('summarization'));
  expect(unknownTask).toBe('UNSUPPORTED_TASK');
});

test('in-thread mode (useWorker: false) gives the same numbers', async ({ page }) => {
  await openHarness(page);
  await page.evaluate(() => window.harness.configure({ useWorker: false }));
  const { info } = await page.evaluate((m) => window.harness.load('main', m), MODEL);
  expect(info.worker).toBe(false);
  expect(info.threads).toBeGreaterThan(1);
  const r = await page.evaluate(([n, u]) => window.harness.checkReference(n, u), ['main', REFERENCE]);
  console.log(
    `chromium in-thread: max abs error mean ${r.maxMean.toExponential(2)}, hidden ${r.maxHidden.toExponential(2)}`,
  );
  expect(r.maxMean).toBeLessThanOrEqual(TOL);
  expect(r.maxHidden).toBeLessThanOrEqual(TOL);
});

test('every threaded build present in dist/ matches the reference in the worker', async ({ page }) => {
  await openHarness(page);
  const variants = ['simd-mt', 'relaxed-mt'].filter((v) => fs.existsSync(`dist/pocketformer-${v}.mjs`));
  expect(variants).toContain('simd-mt');
  for (const variant of variants) {
    await page.evaluate((v) => window.harness.configure({ wasmVariant: v }), variant);
    const { info } = await page.evaluate(([n, m]) => window.harness.load(n, m), [variant, MODEL]);
    expect(info.variant).toBe(variant);
    expect(info.threads).toBeGreaterThan(1);
    const r = await page.evaluate(([n, u]) => window.harness.checkReference(n, u), [variant, REFERENCE]);
    console.log(
      `chromium worker ${variant}: max abs error mean ${r.maxMean.toExponential(2)}, hidden ${r.maxHidden.toExponential(2)}`,
    );
    expect(r.maxMean).toBeLessThanOrEqual(TOL);
    expect(r.maxHidden).toBeLessThanOrEqual(TOL);
    expect(r.idsEqual).toBe(true);
  }
});

test('abort rejects queued runs with ABORTED', async ({ page }) => {
  await openHarness(page);
  const r = await page.evaluate((m) => window.harness.abortQueued(m), MODEL);
  expect(r.codes).toEqual(['ABORTED', 'ABORTED', 'ABORTED', 'ABORTED']);
  expect(r.after).toBe('ABORTED');
});

test('a page that is not cross-origin isolated: single-thread build, or a clear error', async ({ page }) => {
  // Serve the harness document without COOP/COEP, so SharedArrayBuffer is off.
  await page.route('**/tests/browser/harness.html', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  await openHarness(page);
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(false);
  await page.evaluate(() => window.harness.configure({ numThreads: 2 }));
  const hasSingleThread = fs.existsSync('dist/pocketformer-simd-st.mjs');
  if (hasSingleThread) {
    const { info } = await page.evaluate((m) => window.harness.load('st', m), MODEL);
    expect(info.variant).toBe('simd-st');
    expect(info.threads).toBe(1);
    const d = await page.evaluate(([n, u]) => window.harness.quickCheck(n, u), ['st', REFERENCE]);
    expect(d).toBeLessThanOrEqual(TOL);
    // The console says why (and how to fix it) once per page, not per model.
    await page.evaluate((m) => window.harness.load('st2', m), MODEL);
    const notes = consoleLines.filter((l) => l.includes('single-threaded'));
    expect(notes.length, consoleLines.join('\n')).toBe(1);
    expect(notes[0]).toContain('Cross-Origin-Embedder-Policy: require-corp');
  } else {
    const err = await page.evaluate((m) => window.harness.loadExpectingError(m), MODEL);
    expect(err.code).toBe('UNSUPPORTED_ENVIRONMENT');
    expect(err.message).toMatch(/threads/);
    expect(err.message).toMatch(/cross-origin isolated/);
  }
});
