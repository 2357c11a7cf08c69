#!/usr/bin/env node
// Encode throughput of our wasm Tokenizer vs @huggingface/tokenizers on a few
// MB of mixed text (the seeded cases the equivalence test uses: prose, code,
// numbers, CJK, emoji, ...). Reports MB/s (UTF-8 bytes of input per second),
// the median of several runs after a warm-up, and the ratio.
// Usage: node scripts/bench-tokenizers.mjs [MB=4] [runs=5]
// Needs dist/pocketformer-simd-mt.mjs (bash scripts/build.sh wasm) and
// build/testdata/tokenizers (bash scripts/make-testdata.sh).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

import { makeCases } from '../tests/js/tokenizer-cases.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = Number(process.argv[2] ?? 4);
const RUNS = Number(process.argv[3] ?? 5);

const { default: createPocketformer } = await import(pathToFileURL(path.join(ROOT, 'dist/pocketformer-simd-mt.mjs')).href);
const Module = await createPocketformer({ numThreads: 1 });

// Documents of about 2 KB each, built from the seeded cases.
const docs = [];
let bytes = 0;
const pieces = makeCases(12345, 40000, { addedTokens: [] });
for (let i = 0; bytes < MB * 1e6; i++) {
  let doc = '';
  while (doc.length < 2000) doc += pieces[(i * 31 + doc.length) % pieces.length] + ' ';
  docs.push(doc);
  bytes += Buffer.byteLength(doc.toWellFormed(), 'utf8');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(fn) {
  fn();  // warm-up (JIT, caches)
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    fn();
    rates.push(bytes / 1e6 / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

console.log(`${docs.length} documents, ${(bytes / 1e6).toFixed(2)} MB UTF-8, median of ${RUNS} runs`);
for (const name of ['gpt2', 'bert-base-uncased', 'llama3-style']) {
  const file = path.join(ROOT, 'build/testdata/tokenizers', name, 'tokenizer.json');
  if (!fs.existsSync(file)) {
    console.log(`${name}: skipped (${file} missing)`);
    continue;
  }
  const text = fs.readFileSync(file, 'utf8');
  const ref = new HfTokenizer(JSON.parse(text), {});
  const ours = Module.Tokenizer.fromJson(text);
  let sink = 0;
  const oursRate = measure(() => {
    for (const d of docs) sink += ours.encode(d, null).ids.length;
  });
  const refRate = measure(() => {
    for (const d of docs) sink += ref.encode(d).ids.length;
  });
  ours.delete();
  console.log(`${name.padEnd(18)} ours ${oursRate.toFixed(2).padStart(7)} MB/s   @huggingface/tokenizers ${refRate.toFixed(2).padStart(7)} MB/s   ratio ${(oursRate / refRate).toFixed(2)}x  (${sink > 0 ? 'ok' : ''})`);
}
