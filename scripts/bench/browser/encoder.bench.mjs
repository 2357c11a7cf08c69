// `npm run bench:encoder`: BERT encoders in Chromium, pocketformer vs
// onnxruntime-web (wasm backend) on the same seeded random weights
// (scripts/bench/make-onnx-encoder.py: HF safetensors for pocketformer, the
// torch.onnx export + quantize_dynamic-style QInt8 graph for ORT). MiniLM-L6
// shape at batch x seq 1x16, 1x128, 1x256, 32x128; BERT-base shape at 1x128;
// f32, int8 (both) and q4 (pocketformer only); 1 and 2 threads (one page
// load per thread count). Per cell: warm-ups, then BENCH_ROUNDS rounds
// (default 3) of alternating blocks (pf then ORT, ORT then pf next round);
// the median over all timed calls. Also prints the cosine of the two
// runtimes' hidden states for the same ids. Results also go to
// test-results/bench-encoder-browser.json. Fails only when something cannot
// run or the runtimes disagree on the f32 model, never on timing.
import { test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import { median } from './medians.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const THREADS = (process.env.BENCH_THREADS || '1,2').split(',').map(Number);
const DIR = '/build/bench/encoder';
const MODELS = [
  { id: 'MiniLM-L6', dir: `${DIR}/minilm`, shapes: [[1, 16], [1, 128], [1, 256], [32, 128]] },
  { id: 'BERT-base', dir: `${DIR}/bert-base`, shapes: [[1, 128]] },
].filter((m) => !process.env.BENCH_MODELS || process.env.BENCH_MODELS.split(',').includes(m.id));
// BENCH_SHAPES=1x128,32x128 keeps only those batch x seq cells (BENCH_MODELS and
// BENCH_THREADS=2 likewise narrow the run, e.g. to re-measure the goal cell).
for (const m of MODELS) {
  if (process.env.BENCH_SHAPES) m.shapes = m.shapes.filter(([b, s]) => process.env.BENCH_SHAPES.split(',').includes(`${b}x${s}`));
}
const DTYPES = [
  { dtype: 'f32', onnx: 'model.onnx' },
  { dtype: 'int8', onnx: 'model_int8.onnx' },
  { dtype: 'q4', onnx: null }, // ORT-web has no 4-bit graph for this to compare with
];
// Timed calls per block: about BLOCK_MS of work, at least 3.
const BLOCK_MS = Number(process.env.BENCH_BLOCK_MS || 1500);

test('BERT encoders: pocketformer vs onnxruntime-web', async ({ page }) => {
  for (const m of MODELS) {
    for (const f of ['model.safetensors', 'model.onnx', 'model_int8.onnx']) {
      if (!fs.existsSync(`.${m.dir}/${f}`)) {
        throw new Error(`.${m.dir}/${f} is missing: run '/usr/bin/python3 scripts/bench/make-onnx-encoder.py'`);
      }
    }
  }
  page.on('console', (msg) => { if (msg.type() === 'error') console.log('[page]', msg.text()); });
  const loadStart = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  const results = [];
  const info = {};
  for (const threads of THREADS) {
    await page.goto(`/scripts/bench/browser/encoder.html?threads=${threads}`);
    await page.waitForFunction(() => window.benchReady === true);
    for (const m of MODELS) {
      for (const d of DTYPES) {
        const pfInfo = await page.evaluate(([o]) => window.bench.loadPf('pf', o), [{ dir: m.dir, dtype: d.dtype }]);
        const ortInfo = d.onnx ? await page.evaluate(([o]) => window.bench.loadOrt('ort', o), [{ url: `${m.dir}/${d.onnx}` }]) : null;
        info[`${m.id} ${d.dtype} t${threads}`] = { pf: pfInfo, ort: ortInfo };
        console.log(`${m.id} ${d.dtype} ${threads} thread(s): pf ${JSON.stringify(pfInfo)} ort ${JSON.stringify(ortInfo)}`);
        for (const [batch, seq] of m.shapes) {
          const key = await page.evaluate(([o]) => window.bench.makeInputs('pf', o), [{ dir: m.dir, batch, seq }]);
          const cos = await page.evaluate(([...a]) => window.bench.compare(...a),
                                          [m.id, 'pf', d.onnx ? 'ort' : null, key, d.dtype]);
          const time = (runtime, o) => page.evaluate(([r, k, o]) => window.bench.time(r, r, k, o), [runtime, key, o]);
          // One warm-up call each (also sizes the blocks).
          const one = Math.max(...(await time('pf', { warmups: 1, runs: 1 })),
                               ...(d.onnx ? await time('ort', { warmups: 1, runs: 1 }) : []));
          const runs = Math.max(3, Math.min(20, Math.round(BLOCK_MS / one)));
          const samples = { pf: [], ort: [] };
          for (let round = 0; round < ROUNDS; ++round) {
            const order = d.onnx ? (round % 2 ? ['ort', 'pf'] : ['pf', 'ort']) : ['pf'];
            for (const r of order) samples[r].push(...(await time(r, { warmups: 0, runs })));
          }
          const row = { model: m.id, batch, seq, dtype: d.dtype, threads, runs: samples.pf.length,
                        pfMs: median(samples.pf), ortMs: d.onnx ? median(samples.ort) : null, ...cos, samples };
          results.push(row);
          console.log(`  ${batch}x${seq}: pf ${row.pfMs.toFixed(2)} ms, ORT ${row.ortMs?.toFixed(2) ?? '-'} ms ` +
                      `(${row.runs} calls each), cos ${JSON.stringify(cos)}`);
          if (d.dtype === 'f32' && !(cos.pfVsOrt > 0.9999)) {
            throw new Error(`f32 hidden states disagree (cosine ${cos.pfVsOrt}): the runtimes did not compute the same model`);
          }
        }
        await page.evaluate(() => window.bench.unload());
      }
    }
    await page.evaluate(() => window.bench.shutdown());
  }
  const loadEnd = fs.readFileSync('/proc/loadavg', 'utf8').trim();

  const f = (x, n = 2) => (x == null ? '-' : x.toFixed(n));
  const first = Object.values(info)[0];
  const lines = [
    `Chromium ${page.context().browser().version()}; pocketformer ${first.pf.version} (${first.pf.variant}, in a Worker); ` +
    `onnxruntime-web ${first.ort?.version ?? '?'} (wasm, SIMD + threads, page thread); ${os.cpus().length} CPUs; ` +
    `${ROUNDS} rounds, median of all timed calls; /proc/loadavg at start: ${loadStart}; at end: ${loadEnd}`,
    'model | batch x seq | dtype | threads | pf ms | ORT ms | pf/ORT | cos(pf, ORT same dtype) | cos(pf, ORT f32)',
    '--- | --- | --- | --- | --- | --- | --- | --- | ---',
  ];
  for (const r of results) {
    const cos = (c) => (c == null ? '-' : c.toFixed(5));
    lines.push([r.model, `${r.batch} x ${r.seq}`, r.dtype, r.threads, f(r.pfMs), f(r.ortMs),
                r.ortMs ? f(r.pfMs / r.ortMs) : '-', cos(r.pfVsOrt), cos(r.pfVsOrtF32)].join(' | '));
  }
  const goal = (dtype, limit) => {
    const r = results.find((x) => x.model === 'MiniLM-L6' && x.batch === 1 && x.seq === 128 && x.threads === 2 && x.dtype === dtype);
    return r ? `${dtype} ${f(r.pfMs / r.ortMs)}x ORT (goal <= ${limit}x: ${r.pfMs / r.ortMs <= limit ? 'met' : 'not met'})` : `${dtype}: not measured`;
  };
  lines.push(`goal, MiniLM-L6 1 x 128, 2 threads: ${goal('int8', 0.5)}; ${goal('f32', 0.8)}`);
  console.log(lines.join('\n'));
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/bench-encoder-browser.json',
                   JSON.stringify({ loadStart, loadEnd, info, results }, null, 1));
});
