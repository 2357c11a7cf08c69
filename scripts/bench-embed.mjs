// End-to-end embedding benchmark through the public API in Node:
// a MiniLM-L6-sized BERT (seeded random weights, HF layout) in f32 / int8 / q4,
// 1 and 2 threads, batch 1 x 128 tokens and batch 8 x ~16 tokens.
// Prints medians and ratios; never fails on timing.
//   node scripts/bench-embed.mjs [--model DIR] [--iterations N]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { pipeline, env, shutdown } from '../web/src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const modelDir = opt('--model', path.join(ROOT, 'build/models/bench-minilm'));
const iterations = Number(opt('--iterations', 15));

if (!fs.existsSync(path.join(modelDir, 'model.safetensors'))) {
  console.error(`generating ${modelDir} (MiniLM-L6 shape, random weights)`);
  execFileSync('/usr/bin/python3', [
    path.join(ROOT, 'tests/reference/make_tiny_bert.py'), '--out', modelDir, '--seed', '7',
    '--hidden', '384', '--layers', '6', '--heads', '12', '--intermediate', '1536',
    '--vocab-size', '30522', '--max-pos', '512',
  ], { stdio: 'inherit' });
}
const files = Object.fromEntries(
  ['config.json', 'model.safetensors', 'vocab.txt'].map((f) => [f, fs.readFileSync(path.join(modelDir, f))]),
);

const longText = Array.from({ length: 126 }, (_, i) => ['the', 'cat', 'sat', 'on', 'mat'][i % 5]).join(' ');
const batch = Array.from({ length: 8 }, (_, i) => `the dog number ${i} sat on the rug and looked at the cat`);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn) {
  for (let i = 0; i < 2; i++) await fn();
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const rows = [];
for (const threads of [1, 2]) {
  shutdown();
  env.numThreads = threads;
  for (const dtype of ['f32', 'int8', 'q4']) {
    const t0 = performance.now();
    const fe = await pipeline('feature-extraction', files, { dtype });
    const loadMs = performance.now() - t0;
    const single = await time(() => fe(longText, { pooling: 'mean', normalize: true }));
    const batched = await time(() => fe(batch, { pooling: 'mean', normalize: true }));
    rows.push({ threads, dtype, loadMs, single, batched });
    await fe.dispose();
  }
}
shutdown();

const base = (threads, key) => rows.find((r) => r.threads === threads && r.dtype === 'f32')[key];
console.log('model: MiniLM-L6 shape (384 hidden, 6 layers, 12 heads, 1536 FFN), random weights');
console.log('threads dtype  load_ms  1x128_ms (vs f32)  8x16_ms (vs f32)');
for (const r of rows) {
  console.log(
    `${String(r.threads).padEnd(7)} ${r.dtype.padEnd(5)} ${r.loadMs.toFixed(0).padStart(7)}  ` +
      `${r.single.toFixed(1).padStart(8)} (${(base(r.threads, 'single') / r.single).toFixed(2)}x)  ` +
      `${r.batched.toFixed(1).padStart(8)} (${(base(r.threads, 'batched') / r.batched).toFixed(2)}x)`,
  );
}
