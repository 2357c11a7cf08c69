// Speed of a trained encoder in our runtime, through the public API in Node:
// feature-extraction (mean pooling) on held-out sentences, one at a time, f32 / int8 / q4,
// 1 thread.  Prints a JSON line per dtype: median ms per sentence.  Also checks the
// runtime's embeddings are finite and that f32 vs int8 agree (cosine), so a broken load
// cannot pass as "fast".
//   node scripts/train/runtime_speed.mjs <model dir> <langid test.tsv> [n]
import fs from 'node:fs';
import path from 'node:path';

import { pipeline, env, shutdown } from '../../web/src/index.js';

const [modelDir, tsv, nArg] = process.argv.slice(2);
const n = Number(nArg || 50);
const sentences = fs.readFileSync(tsv, 'utf8').split('\n').filter(Boolean).slice(0, n)
  .map((l) => l.split('\t')[1].slice(0, 200));
const files = Object.fromEntries(['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json']
  .map((f) => [f, fs.readFileSync(path.join(modelDir, f))]));

env.numThreads = 1;
const ref = [];
for (const dtype of ['f32', 'int8', 'q4']) {
  const fe = await pipeline('feature-extraction', files, { dtype });
  for (let i = 0; i < 3; i++) await fe(sentences[i], { pooling: 'mean', normalize: true });
  const ms = [];
  let minCos = 1;
  for (let i = 0; i < sentences.length; i++) {
    const t0 = performance.now();
    const out = await fe(sentences[i], { pooling: 'mean', normalize: true });
    ms.push(performance.now() - t0);
    const v = out.tolist()[0];
    if (!v.every(Number.isFinite)) throw new Error(`non-finite embedding (${dtype}, sentence ${i})`);
    if (dtype === 'f32') ref.push(v);
    else minCos = Math.min(minCos, v.reduce((s, x, k) => s + x * ref[i][k], 0));
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ dtype, sentences: sentences.length, median_ms: +ms[ms.length >> 1].toFixed(3),
                               min_cosine_vs_f32: dtype === 'f32' ? 1 : +minCos.toFixed(4) }));
  await fe.dispose();
}
shutdown();
