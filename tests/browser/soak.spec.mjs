// Load/run/dispose 1,000 times in headless Chromium (worker + threads): the
// wasm heap must stay flat — memory size unchanged after warm-up and the
// bytes malloc holds back to the same level — and every run must still equal
// the PyTorch reference.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';

const MODEL = '/build/testdata/tiny-bert/';
const REFERENCE = '/build/testdata/tiny-bert/reference.json';
const CYCLES = 1000;
const CHECKPOINTS = [10, 100, 250, 500, 750, 1000];

test.beforeAll(() => {
  for (const file of ['dist/pocketformer-simd-mt.mjs', 'build/testdata/tiny-bert/reference.json']) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run build' and 'npm run testdata'`);
  }
});

test(`${CYCLES} load/run/dispose cycles keep the wasm heap flat`, async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/tests/browser/harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  const r = await page.evaluate(
    ([m, ref, n, points]) => window.harness.soak(m, ref, n, points),
    [MODEL, REFERENCE, CYCLES, CHECKPOINTS],
  );
  for (const s of r.samples) {
    console.log(
      `cycle ${s.cycle}: wasm memory ${(s.heapBytes / 2 ** 20).toFixed(1)} MiB, ` +
        `in use ${(s.heapInUseBytes / 1024).toFixed(1)} KiB, models ${s.models}`,
    );
  }
  console.log(`${r.msPerCycle.toFixed(1)} ms per cycle, worst error ${r.worst.toExponential(2)}`);
  expect(r.worst).toBeLessThanOrEqual(1e-4);
  expect(r.samples.map((s) => s.cycle)).toEqual(CHECKPOINTS);
  const first = r.samples[0];
  expect(first.heapInUseBytes).toBeGreaterThan(0);
  for (const s of r.samples) {
    expect(s.models, `cycle ${s.cycle}`).toBe(1); // only the keeper is loaded
    expect(s.heapBytes, `wasm memory at cycle ${s.cycle}`).toBe(first.heapBytes);
    // Allocator bookkeeping may move a little; a leak of even 100 bytes per
    // cycle would add ~100 KB by the end.
    expect(Math.abs(s.heapInUseBytes - first.heapInUseBytes), `in use at cycle ${s.cycle}`).toBeLessThanOrEqual(16 * 1024);
  }
});
