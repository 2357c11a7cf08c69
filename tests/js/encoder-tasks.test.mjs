// Encoder task pipelines in Node with the real wasm build, against the
// PyTorch reference + Python re-implementation of the transformers pipelines
// (tests/reference/bert_heads_reference.py): text-classification,
// token-classification (every aggregation), question-answering (windows,
// top_k), fill-mask (top_k, targets), for BERT and DistilBERT checkpoints.
// Offsets are compared as JS string indices.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { pipeline, env, shutdown, PocketformerError } from '../../web/src/index.js';
import { TESTDATA, readModelFiles, requireFile, requireWasmBuild } from './helpers.mjs';

const HEADS = path.join(TESTDATA, 'tiny-heads');
const TOL = 1e-4;

function model(name) {
  const dir = path.join(HEADS, name);
  requireFile(path.join(dir, 'reference.json'), "run 'npm run testdata' (bash scripts/make-testdata.sh)");
  return { files: readModelFiles(dir), ref: JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) };
}

/** Code point index (the reference's offsets) -> JS string index. */
function utf16(text, cp) {
  return Array.from(text).slice(0, cp).join('').length;
}

function assertClose(got, want, what) {
  assert.ok(Math.abs(got - want) <= TOL, `${what}: got ${got}, want ${want}`);
}

function checkLabels(got, want, what) {
  assert.deepEqual(got.map((r) => r.label), want.map((r) => r.label), what);
  got.forEach((r, i) => assertClose(r.score, want[i].score, `${what} score ${i}`));
}

before(() => {
  requireWasmBuild();
  env.numThreads = 2;
});

after(() => shutdown());

for (const arch of ['bert', 'distilbert']) {
  for (const head of ['seq-cls', 'multi-label']) {
    test(`text-classification (${arch} ${head}): ranking and shapes match the reference`, async () => {
      const { files, ref } = model(`${arch}-${head}`);
      const classifier = await pipeline(head === 'seq-cls' ? 'sentiment-analysis' : 'text-classification', files);
      try {
        assert.deepEqual(classifier.info.labels, ref.labels);
        const texts = ref.cases.map((c) => c.text);
        const all = await classifier(texts, { top_k: null });
        const top2 = await classifier(texts, { top_k: 2 });
        const top1 = await classifier(texts);
        ref.cases.forEach((c, i) => {
          checkLabels(all[i], c.results.all, `${c.text.slice(0, 30)} all`);
          checkLabels(top2[i], c.results.top2, `${c.text.slice(0, 30)} top2`);
          checkLabels([top1[i]], c.results.top1, `${c.text.slice(0, 30)} top1`);
        });
        const one = await classifier(ref.cases[0].text);
        checkLabels(one, ref.cases[0].results.top1, 'single text, top_k 1');
        const sig = await classifier(ref.cases[0].text, { top_k: null, function_to_apply: 'sigmoid' });
        checkLabels(sig, ref.cases[0].results.all_sigmoid, 'sigmoid');
        const raw = await classifier(ref.cases[0].text, { top_k: null, function_to_apply: 'none' });
        checkLabels(raw, ref.cases[0].results.all_none, 'none');
      } finally {
        await classifier.dispose();
      }
    });
  }

  test(`token-classification (${arch}): entities of every aggregation strategy, string offsets`, async () => {
    const { files, ref } = model(`${arch}-token-cls`);
    const ner = await pipeline('ner', files);
    try {
      for (const strategy of ['none', 'simple', 'first', 'average', 'max']) {
        const texts = ref.cases.map((c) => c.text);
        const batched = await ner(texts, { aggregation_strategy: strategy });
        for (const [i, c] of ref.cases.entries()) {
          const got = i === 0 ? await ner(c.text, { aggregation_strategy: strategy }) : batched[i];
          const want = c.entities[strategy];
          const what = `${strategy} ${JSON.stringify(c.text.slice(0, 30))}`;
          assert.equal(got.length, want.length, `${what}: entity count`);
          got.forEach((e, j) => {
            const w = want[j];
            const key = strategy === 'none' ? 'entity' : 'entity_group';
            assert.equal(e[key], w[key], `${what} #${j} label`);
            assert.equal(e.word, w.word, `${what} #${j} word`);
            assert.equal(e.start, utf16(c.text, w.start), `${what} #${j} start`);
            assert.equal(e.end, utf16(c.text, w.end), `${what} #${j} end`);
            if (strategy === 'none') assert.equal(e.index, w.index);
            assertClose(e.score, w.score, `${what} #${j} score`);
          });
        }
      }
      await assert.rejects(ner('x', { aggregation_strategy: 'best' }), { code: 'INVALID_ARGUMENT' });
    } finally {
      await ner.dispose();
    }
  });

  test(`question-answering (${arch}): windows, spans and scores match the reference`, async () => {
    const { files, ref } = model(`${arch}-qa`);
    const qa = await pipeline('question-answering', files);
    try {
      for (const c of ref.cases) {
        const got = await qa(c.question, c.context, c.options);
        const answers = c.options.top_k === 1 ? [got] : got;
        assert.equal(answers.length, c.answers.length);
        answers.forEach((a, j) => {
          const w = c.answers[j];
          assert.equal(a.answer, w.answer, `${c.question} #${j}`);
          assert.equal(a.start, utf16(c.context, w.start));
          assert.equal(a.end, utf16(c.context, w.end));
          assert.equal(c.context.slice(a.start, a.end), a.answer);
          assertClose(a.score, w.score, `${c.question} #${j} score`);
        });
      }
      await assert.rejects(qa('why?', 'because', { doc_stride: 127 }), { code: 'INVALID_ARGUMENT' });
    } finally {
      await qa.dispose();
    }
  });

  test(`fill-mask (${arch}): top-k, targets and sequences match the reference`, async () => {
    const { files, ref } = model(`${arch}-mlm`);
    const unmasker = await pipeline('fill-mask', files);
    try {
      const check = (got, want, what) => {
        const masks = want.length === 1 ? [got] : got;
        assert.equal(masks.length, want.length, what);
        masks.forEach((row, m) => {
          assert.deepEqual(row.map((p) => [p.token, p.token_str, p.sequence]),
            want[m].map((p) => [p.token, p.token_str, p.sequence]), `${what} mask ${m}`);
          row.forEach((p, i) => assertClose(p.score, want[m][i].score, `${what} ${i}`));
        });
      };
      for (const c of ref.cases) {
        check(await unmasker(c.text), c.top5, c.text);
        if (c.targets.length) check(await unmasker(c.text, { targets: c.targets }), c.targeted, `${c.text} targets`);
      }
      const both = await unmasker(ref.cases.map((c) => c.text));
      check(both[0], ref.cases[0].top5, 'batched');
      await assert.rejects(unmasker('no mask'), (e) => e instanceof PocketformerError && e.code === 'INVALID_ARGUMENT');
    } finally {
      await unmasker.dispose();
    }
  });
}

for (const arch of ['bert', 'distilbert']) {
  test(`zero-shot-classification (${arch} NLI): entailment ranking matches the reference`, async () => {
    const { files, ref } = model(`${arch}-nli`);
    const classifier = await pipeline('zero-shot-classification', files);
    try {
      for (const c of ref.zero_shot) {
        const got = await classifier(c.text, c.candidates, {
          hypothesis_template: c.template, multi_label: c.multi_label,
        });
        assert.equal(got.sequence, c.text);
        assert.deepEqual(got.labels, c.result.labels, c.text.slice(0, 30));
        got.scores.forEach((s, i) => assertClose(s, c.result.scores[i], `${c.text.slice(0, 30)} ${i}`));
      }
      const c = ref.zero_shot[0];
      const joined = await classifier([c.text], c.candidates.join(', '));
      assert.deepEqual(joined[0].labels, c.result.labels);
      await assert.rejects(classifier('x', []), { code: 'INVALID_ARGUMENT' });
    } finally {
      await classifier.dispose();
    }
  });
}

test('int8 and q4 task models load and answer (dtype option)', async () => {
  const { files, ref } = model('bert-seq-cls');
  for (const dtype of ['int8', 'q4']) {
    const classifier = await pipeline('text-classification', files, { dtype });
    const [best] = await classifier(ref.cases[0].text);
    assert.ok(ref.labels.includes(best.label));
    assert.ok(best.score > 0 && best.score <= 1);
    await classifier.dispose();
  }
});

test('a checkpoint without the task head is refused with CORRUPT_MODEL', async () => {
  const { files } = model('bert-mlm');
  await assert.rejects(pipeline('text-classification', files), { code: 'CORRUPT_MODEL' });
});
