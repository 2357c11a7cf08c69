// ALBERT through pipeline() in Node with the real wasm build, from model
// folders as Hugging Face lays them out (config.json with embedding_size,
// num_hidden_groups, inner_group_num; a Unigram tokenizer.json with the
// Precompiled charsmap; model.safetensors with shared layer groups).
// Checked against the float64 reference (tests/reference/albert_reference.py),
// whose sentencepiece tokenization is itself checked here against
// @huggingface/tokenizers on the converted tokenizer.json (which approximates
// Precompiled with NFKC; the reference texts are ones where that is exact).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { pipeline, env, shutdown } from '../../web/src/index.js';
import {
  ROOT, TINY_ENCODERS, readEncoderReference, requireWasmBuild, maxAbsDiff, softmax, assertClassifierScores,
  assertReferenceTokenization,
} from './helpers.mjs';

const DIR = TINY_ENCODERS;
// scripts/make-testdata.sh makes the ALBERT models only where sentencepiece's
// test_model.model (../shared/fixtures) is; without it these tests skip.
const FIXTURE = path.join(process.env.POCKETFORMER_FIXTURES || path.join(ROOT, '../shared/fixtures'),
                          'tokenizers/sentencepiece/test_model.model');
const skip = fs.existsSync(FIXTURE) ? false : `fixture ${FIXTURE} not found (see ../shared/fixtures/README.md)`;
const TOL = 1e-4;
const reference = readEncoderReference;

before(() => {
  requireWasmBuild();
  env.numThreads = 2;
});

after(() => shutdown());

test('the reference tokenization equals @huggingface/tokenizers on the ALBERT tokenizer.json', { skip }, () =>
  assertReferenceTokenization('albert-seq-cls'));

test('text-classification (ALBERT, pooler + classifier): scores match the reference logits', { skip }, async () => {
  const ref = reference('albert-seq-cls');
  const classifier = await pipeline('text-classification', path.join(DIR, 'albert-seq-cls'));
  try {
    const texts = ref.cases.map((c) => c.text);
    const got = await classifier(texts, { top_k: null });
    assertClassifierScores(got, ref, TOL);
  } finally {
    await classifier.dispose();
  }
});

test('fill-mask (ALBERT [MASK], decoder tied to the E-wide embeddings): top tokens follow the reference', { skip }, async () => {
  const ref = reference('albert-mlm');
  const unmasker = await pipeline('fill-mask', path.join(DIR, 'albert-mlm'));
  try {
    const masked = ref.cases.filter((x) => x.text.includes('[MASK]'));
    assert.equal(masked.length, 1);
    for (const c of masked) {
      const at = c.input_ids.indexOf(4);  // [MASK]
      assert.ok(at > 0, c.text);
      const V = c.logits.length / c.input_ids.length;
      const row = c.logits.slice(at * V, (at + 1) * V);
      const p = softmax(row);
      const order = p.map((v, i) => i).sort((a, b) => p[b] - p[a]);
      const top = await unmasker(c.text, { top_k: 3 });
      assert.deepEqual(top.map((t) => t.token), order.slice(0, 3), c.text);
      top.forEach((t, k) => assert.ok(Math.abs(t.score - p[order[k]]) <= TOL));
      assert.ok(!top[0].sequence.includes('[MASK]'));
    }
  } finally {
    await unmasker.dispose();
  }
});

test('feature-extraction (ALBERT, E == H, 2 groups of 2 layers): hidden states match', { skip }, async () => {
  const ref = reference('albert-token-cls');
  const fe = await pipeline('feature-extraction', path.join(DIR, 'albert-token-cls'));
  try {
    for (const c of ref.cases.slice(0, 4)) {
      const out = await fe(c.text, { pooling: 'none' });
      assert.ok(maxAbsDiff(out.data, c.last_hidden_state) <= TOL, c.text);
    }
  } finally {
    await fe.dispose();
  }
});
