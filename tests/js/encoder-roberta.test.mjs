// RoBERTa / XLM-R / ELECTRA through pipeline() in Node with the real wasm
// build, from model folders as Hugging Face lays them out: tokenizer.json
// without vocab.txt (RoBERTa), vocab.txt only (ELECTRA), sharded weights
// (model.safetensors.index.json + 2 shards, XLM-R). Checked against the
// float64 reference (tests/reference/roberta_reference.py), whose byte-level
// BPE tokenization is itself checked here against @huggingface/tokenizers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { pipeline, env, shutdown } from '../../web/src/index.js';
import {
  TINY_ENCODERS, readEncoderReference, requireWasmBuild, maxAbsDiff, softmax, assertClassifierScores,
  assertReferenceTokenization,
} from './helpers.mjs';

const DIR = TINY_ENCODERS;
const TOL = 1e-4;
const reference = readEncoderReference;

before(() => {
  requireWasmBuild();
  env.numThreads = 2;
});

after(() => shutdown());

test('the reference tokenization equals @huggingface/tokenizers on the RoBERTa tokenizer.json', () =>
  assertReferenceTokenization('roberta-seq-cls'));

test('text-classification (RoBERTa, tokenizer.json only): scores match the reference logits', async () => {
  const ref = reference('roberta-seq-cls');
  const seen = new Set();
  const classifier = await pipeline('text-classification', path.join(DIR, 'roberta-seq-cls'), {
    progress_callback: (e) => e.status === 'done' && seen.add(e.file),
  });
  try {
    assert.ok(seen.has('tokenizer.json') && !seen.has('vocab.txt'), [...seen].join(', '));
    const texts = ref.cases.map((c) => c.text);
    const got = await classifier(texts, { top_k: null });
    assertClassifierScores(got, ref, TOL);
  } finally {
    await classifier.dispose();
  }
});

test('fill-mask (RoBERTa <mask>): the best token is the reference argmax', async () => {
  const ref = reference('roberta-mlm');
  const json = JSON.parse(fs.readFileSync(path.join(DIR, 'roberta-mlm', 'tokenizer.json'), 'utf8'));
  const maskId = json.model.vocab['<mask>'];
  const unmasker = await pipeline('fill-mask', path.join(DIR, 'roberta-mlm'));
  try {
    const masked = ref.cases.filter((x) => x.text.includes('<mask>'));
    assert.ok(masked.length > 0);
    for (const c of masked) {
      const at = c.input_ids.indexOf(maskId);
      assert.ok(at > 0, c.text);
      const V = c.logits.length / c.input_ids.length;
      const row = c.logits.slice(at * V, (at + 1) * V);
      const best = row.indexOf(Math.max(...row));
      const [top] = await unmasker(c.text, { top_k: 1 });
      assert.equal(top.token, best, c.text);
      assert.ok(Math.abs(top.score - softmax(row)[best]) <= TOL);
    }
  } finally {
    await unmasker.dispose();
  }
});

test('feature-extraction (XLM-R, 2 shards via model.safetensors.index.json): hidden states match', async () => {
  const ref = reference('xlm-roberta-sharded');
  const seen = [];
  const fe = await pipeline('feature-extraction', path.join(DIR, 'xlm-roberta-sharded'), {
    progress_callback: (e) => e.status === 'done' && seen.push(e.file),
  });
  try {
    assert.ok(seen.includes('model-00001-of-00002.safetensors'), seen.join(', '));
    assert.ok(seen.includes('model-00002-of-00002.safetensors'), seen.join(', '));
    for (const c of ref.cases.slice(0, 4)) {
      const out = await fe(c.text, { pooling: 'none' });
      assert.ok(maxAbsDiff(out.data, c.last_hidden_state) <= TOL, c.text);
    }
  } finally {
    await fe.dispose();
  }
});

test('token-classification (ELECTRA, vocab.txt): per-token scores follow the reference logits', async () => {
  const ref = reference('electra-token-cls');
  const ner = await pipeline('token-classification', path.join(DIR, 'electra-token-cls'));
  try {
    const c = ref.cases[0];
    const got = await ner(c.text, { ignore_labels: [] });
    const n = ref.labels.length;
    for (const e of got) {
      const p = softmax(c.logits.slice(e.index * n, (e.index + 1) * n));
      assert.ok(Math.abs(e.score - Math.max(...p)) <= TOL, `${e.word}`);
      assert.equal(e.entity, ref.labels[p.indexOf(Math.max(...p))]);
    }
    assert.equal(got.length, c.input_ids.length - 2);
  } finally {
    await ner.dispose();
  }
});

test('feature-extraction (sentence-transformers modules.json: max pooling + Normalize) as defaults; call options win', async () => {
  const ref = reference('roberta-base');
  const fe = await pipeline('feature-extraction', path.join(DIR, 'roberta-base'));
  try {
    const c = ref.cases[1];
    const [S, H] = c.shape;
    const pooled = Array.from({ length: H }, (_, d) => {
      let m = -Infinity;
      for (let s = 0; s < S; s++) m = Math.max(m, c.last_hidden_state[s * H + d]);
      return m;
    });
    const norm = Math.hypot(...pooled);
    const byDefault = await fe(c.text);
    assert.deepEqual(byDefault.dims, [1, H]);
    assert.ok(maxAbsDiff(byDefault.data, pooled.map((v) => v / norm)) <= TOL);
    const raw = await fe(c.text, { normalize: false });
    assert.ok(maxAbsDiff(raw.data, pooled) <= TOL);
    const tokens = await fe(c.text, { pooling: 'none', normalize: false });
    assert.deepEqual(tokens.dims, [1, S, H]);
    assert.ok(maxAbsDiff(tokens.data, c.last_hidden_state) <= TOL);
  } finally {
    await fe.dispose();
  }
});
