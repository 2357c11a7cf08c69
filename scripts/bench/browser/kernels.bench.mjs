// `npm run bench:kernels:browser`: the kernel benchmark in Chromium, SIMD128
// and relaxed-SIMD builds interleaved (A/B/A/B, BENCH_ROUNDS rounds, default
// 2) so a busy machine slows both alike; prints each run, then the medians
// side by side. Results also go to test-results/bench-kernels-browser.json.
// Only fails when the benchmark cannot run, never on timing.
import { test } from '@playwright/test';
import fs from 'node:fs';
import { jsonLines, mediansByKey } from './medians.mjs';

const VARIANTS = ['simd-mt', 'relaxed-mt'];
const ROUNDS = Number(process.env.BENCH_ROUNDS || 2);
const THREADS = Number(process.env.BENCH_THREADS || 2);

test('kernel GOP/s and % of peak, SIMD vs relaxed SIMD', async ({ page }) => {
  for (const v of VARIANTS) {
    const file = `build/wasm-${v}/pf_bench_kernels_web.mjs`;
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run build'`);
  }
  const rows = [];
  for (let round = 0; round < ROUNDS; ++round) {
    for (const variant of VARIANTS) {
      await page.goto(`/scripts/bench/browser/kernels.html?variant=${variant}&args=${THREADS}`);
      await page.waitForFunction(() => window.benchResult, null, { timeout: 0, polling: 1000 });
      const { ok, text } = await page.evaluate(() => window.benchResult);
      console.log(`--- round ${round + 1}, ${variant}\n` +
                  text.split('\n').filter((l) => !l.startsWith('JSON ')).join('\n'));
      if (!ok) throw new Error(`benchmark failed in ${variant}`);
      for (const row of jsonLines(text)) rows.push({ variant, ...row });
    }
  }
  const limits = mediansByKey(rows.filter((r) => r.limit), (r) => `${r.limit}|${r.threads}|${r.variant}`);
  const kernels = mediansByKey(rows.filter((r) => r.kind),
                               (r) => `${r.kind} ${r.fmt} ${r.m}x${r.k}x${r.n} t${r.threads}|${r.variant}`);
  const lines = [`medians of ${ROUNDS} round(s), Chromium ${page.context().browser().version()}`];
  lines.push('limit | threads | ' + VARIANTS.join(' | '));
  const limitNames = [...new Set([...limits.values()].map((r) => `${r.limit}|${r.threads}`))];
  for (const name of limitNames) {
    const cells = VARIANTS.map((v) => limits.get(`${name}|${v}`));
    lines.push(`${name.replace('|', ' | ')} | ` +
               cells.map((c) => (c ? `${c.value.toFixed(2)} ${c.unit}` : 'n/a')).join(' | '));
  }
  lines.push('kernel | ' + VARIANTS.map((v) => `${v} GOP/s (wGB/s) %limit`).join(' | '));
  const kernelNames = [...new Set([...kernels.keys()].map((k) => k.split('|')[0]))];
  for (const name of kernelNames) {
    const cells = VARIANTS.map((v) => kernels.get(`${name}|${v}`));
    lines.push(`${name} | ` + cells.map((c) => (c
      ? `${c.gops.toFixed(2)}${c.kind === 'gemv' ? ` (${c.weight_gbs.toFixed(2)})` : ''} ${c.percent.toFixed(1)}%`
      : 'n/a')).join(' | '));
  }
  console.log(lines.join('\n'));
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/bench-kernels-browser.json',
                   JSON.stringify({ rounds: ROUNDS, rows }, null, 1));
});
