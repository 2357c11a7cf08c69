// Speed of a trained encoder in our runtime, through the public API in Node:
// feature-extraction (mean pooling) on held-out sentences, one at a time, f32 / int8 / q4,
// 1 thread.  Prints a JSON line per dtype: median ms per sentence.  Also checks the
// runtime's f32 embeddings against the float64 reference (reference_embeddings.py output:
// fails below cosine 0.9999) and reports int8 / q4 cosine to f32, so a broken load cannot
// pass as "fast".
//   node scripts/train/runtime_speed.mjs <model dir> <reference.json>
import fs from 'node:fs';
import path from 'node:path';

import { pipeline, env, shutdown } from '../../web/src/index.js';

const [modelDir, refPath] = process.argv.slice(2);
const reference = JSON.parse(fs.readFileSync(refPath, 'utf8'));
const sentences = reference.texts;
const dot = (a, b) => a.reduce((s, x, k) => s + x * b[k], 0);
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
    if (dtype === 'f32') {
      ref.push(v);
      const c = dot(v, reference.mean_pooled_normalized[i]);
      if (!(c >= 0.9999)) throw new Error(`runtime f32 vs reference cosine ${c} on sentence ${i}`);
      minCos = Math.min(minCos, c);
    } else {
      minCos = Math.min(minCos, dot(v, ref[i]));
    }
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ dtype, sentences: sentences.length, median_ms: +ms[ms.length >> 1].toFixed(3),
                               min_cosine: +minCos.toFixed(6),
                               versus: dtype === 'f32' ? 'float64 reference' : 'runtime f32' }));
  await fe.dispose();
}
shutdown();
