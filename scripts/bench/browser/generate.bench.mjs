// `npm run bench:generate`: SmolLM-135M-shaped decoder (seeded random
// weights, scripts/bench/make-smollm-shape.mjs) in Chromium, pocketformer
// (relaxed-SIMD build) and wllama on the same GGUF files, plus pocketformer
// on the safetensors with dtype int8 / int4. Prefill tok/s on a 128-token
// prompt, decode tok/s over 64 tokens, 1 and 2 threads; measurements of the
// two runtimes interleaved (BENCH_ROUNDS rounds, default 3), medians
// printed. Decode is also shown as % of the memory-bandwidth bound: bytes
// of weights read per token / read bandwidth measured by our probe
// (pf_bench_kernels_web ... limits) in the same run.
// Results also go to test-results/bench-generate-browser.json. Fails only
// when something cannot run, never on timing.
import { test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import { jsonLines, median } from './medians.mjs';

const VARIANT = process.env.BENCH_VARIANT || 'relaxed-mt';
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const THREADS = [1, 2];
// BENCH_RUNTIMES=wllama (or pocketformer) runs one side only, e.g. when the
// wasm module is not built yet; default both.
const RUNTIMES = (process.env.BENCH_RUNTIMES || 'pocketformer,wllama').split(',');
const RUN_PF = RUNTIMES.includes('pocketformer');
const PROMPT_TOKENS = 128;
const DECODE_TOKENS = 64;
const DIR = '/build/bench';
const MODELS = [
  { id: 'Q8_0 GGUF', file: `${DIR}/smollm-shape-q8_0.gguf`, wllama: true,
    pf: { source: 'gguf', url: `${DIR}/smollm-shape-q8_0.gguf`, dtype: 'auto' } },
  { id: 'Q4_0 GGUF', file: `${DIR}/smollm-shape-q4_0.gguf`, wllama: true,
    pf: { source: 'gguf', url: `${DIR}/smollm-shape-q4_0.gguf`, dtype: 'auto' } },
  { id: 'safetensors int8', pfOnly: true, file: `${DIR}/smollm-shape/model.safetensors`, wllama: false,
    pf: { source: 'hf', url: `${DIR}/smollm-shape/model.safetensors`,
          configUrl: `${DIR}/smollm-shape/config.json`, dtype: 'int8' } },
  { id: 'safetensors int4', pfOnly: true, file: `${DIR}/smollm-shape/model.safetensors`, wllama: false,
    pf: { source: 'hf', url: `${DIR}/smollm-shape/model.safetensors`,
          configUrl: `${DIR}/smollm-shape/config.json`, dtype: 'int4' } },
];

// Fixed pseudo-random ids past the specials and byte pieces (3 + 256).
function promptIds() {
  let s = 12345;
  return Array.from({ length: PROMPT_TOKENS }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return 259 + (s % (49152 - 259));
  });
}

async function measureBandwidth(page) {
  await page.goto(`/scripts/bench/browser/kernels.html?variant=${VARIANT}&args=2,limits`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 0, polling: 500 });
  const { ok, text } = await page.evaluate(() => window.benchResult);
  if (!ok) throw new Error(`bandwidth probe failed:\n${text}`);
  const gbs = {};
  for (const r of jsonLines(text)) if (r.limit.startsWith('read bandwidth')) gbs[r.threads] = r.value;
  return gbs;
}

test('SmolLM-135M shape: prefill and decode tok/s, pocketformer vs wllama', async ({ page }) => {
  for (const m of MODELS) {
    if (!fs.existsSync('.' + m.file)) {
      throw new Error(`.${m.file} is missing: run 'node scripts/bench/make-smollm-shape.mjs'`);
    }
  }
  page.on('console', (msg) => { if (msg.type() === 'error') console.log('[page]', msg.text()); });
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const bandwidth = await measureBandwidth(page);
  console.log(`load average at start: ${load}; read bandwidth GB/s: ${JSON.stringify(bandwidth)}`);
  await page.goto('/scripts/bench/browser/generate.html');
  await page.waitForFunction(() => window.benchReady === true);
  const ids = promptIds();
  // BOS + the dummy-prefix space (3 byte tokens) + 124 letters = 128 tokens.
  const promptText = ids.slice(0, PROMPT_TOKENS - 4).map((id) => String.fromCharCode(97 + (id % 26))).join('');
  const args = { promptIds: ids, promptText, decodeTokens: DECODE_TOKENS };
  const results = [];
  const loads = {};
  for (const m of MODELS.filter((m) => RUN_PF || !m.pfOnly)) {
    if (!RUNTIMES.includes('wllama')) m.wllama = false;
    loads[m.id] = { pf: !RUN_PF ? null : await page.evaluate(([o, v]) => window.bench.loadPf('pf', { ...o, variant: v, maxThreads: 2 }),
                                            [m.pf, VARIANT]) };
    if (m.wllama) {
      for (const t of THREADS) {
        loads[m.id][`wllama${t}`] = await page.evaluate(([u, t]) => window.bench.loadWllama(`w${t}`, { url: u, threads: t }),
                                                        [m.file, t]);
      }
    }
    console.log(`${m.id} loaded: ${JSON.stringify(loads[m.id])}`);
    const runPf = (t) => page.evaluate(([a]) => window.bench.measurePf('pf', a), [{ ...args, threads: t }]);
    const runWllama = (t) => page.evaluate(([a, t]) => window.bench.measureWllama(`w${t}`, a), [args, t]);
    // One warm-up each, then A/B/A/B.
    if (RUN_PF) await runPf(2);
    if (m.wllama) await runWllama(2);
    for (let round = 0; round < ROUNDS; ++round) {
      for (const t of THREADS) {
        if (RUN_PF) results.push({ model: m.id, runtime: 'pocketformer', threads: t, ...(await runPf(t)) });
        if (m.wllama) results.push({ model: m.id, runtime: 'wllama', threads: t, ...(await runWllama(t)) });
      }
    }
    if (RUN_PF) await page.evaluate(() => window.bench.unloadPf('pf'));
    if (m.wllama) for (const t of THREADS) await page.evaluate((t) => window.bench.unloadWllama(`w${t}`), t);
  }

  const summary = [];
  const lines = [`medians of ${ROUNDS} rounds; ${PROMPT_TOKENS}-token prompt, ${DECODE_TOKENS} decoded tokens; ` +
                 `pocketformer ${VARIANT}; Chromium ${page.context().browser().version()}; load average ${load}`,
                 'model | runtime | thr | prefill tok/s | decode tok/s | MB/token | bound tok/s | decode % of bound | pf/wllama prefill | pf/wllama decode'];
  for (const m of MODELS) {
    for (const t of THREADS) {
      const row = (runtime) => {
        const rs = results.filter((r) => r.model === m.id && r.runtime === runtime && r.threads === t);
        if (!rs.length) return null;
        const bytes = runtime === 'pocketformer' ? loads[m.id].pf.bytesPerToken
          : loads[m.id][`wllama${t}`].fileBytes;  // GGUF file: all tensors (+ ~1 MB vocab)
        const prefill = median(rs.map((r) => (1000 * r.promptTokens) / r.prefillMs));
        const decode = median(rs.map((r) => (1000 * r.decodeTokens) / r.decodeMs));
        const bound = (bandwidth[t] * 1e9) / bytes;
        return { model: m.id, runtime, threads: t, prefill, decode, bytesPerToken: bytes, bound,
                 percentOfBound: (100 * decode) / bound, runs: rs.length,
                 promptTokens: rs[0].promptTokens, decodeTokens: rs[0].decodeTokens };
      };
      const p = row('pocketformer'), w = row('wllama');
      for (const r of [p, w].filter(Boolean)) {
        summary.push(r);
        lines.push([m.id, r.runtime, t, r.prefill.toFixed(1), r.decode.toFixed(1),
                    (r.bytesPerToken / 1e6).toFixed(1), r.bound.toFixed(1), r.percentOfBound.toFixed(1) + '%',
                    r === p && w ? (p.prefill / w.prefill).toFixed(2) : '',
                    r === p && w ? (p.decode / w.decode).toFixed(2) : ''].join(' | '));
      }
    }
  }
  console.log(lines.join('\n'));
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/bench-generate-browser.json',
                   JSON.stringify({ load, bandwidth, loads, summary, results }, null, 1));
});
