// The encoder task pipelines in headless Chromium (module Worker, threads):
// every task on a BERT checkpoint against the reference's pipeline outputs.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';

const HEADS = '/build/testdata/tiny-heads';

test.beforeAll(() => {
  for (const name of ['bert-seq-cls', 'bert-token-cls', 'bert-qa', 'bert-mlm', 'bert-nli']) {
    const file = `build/testdata/tiny-heads/${name}/reference.json`;
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run testdata'`);
  }
});

test('text/token classification, QA, fill-mask and zero-shot in the worker match the reference', async ({ page }) => {
  test.setTimeout(120_000);  // five models load one after another
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/tests/browser/harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  const r = await page.evaluate(async (heads) => {
    const { pipeline } = await import('/web/src/index.js');
    const ref = async (name) => (await fetch(`${heads}/${name}/reference.json`)).json();
    const cpToIndex = (text, cp) => Array.from(text).slice(0, cp).join('').length;
    let worst = 0;
    const same = [];
    const near = (a, b) => { worst = Math.max(worst, Math.abs(a - b)); };

    const cls = await ref('bert-seq-cls');
    const classifier = await pipeline('text-classification', `${heads}/bert-seq-cls/`);
    const info = classifier.info;
    const ranked = await classifier(cls.cases.map((c) => c.text), { top_k: null });
    cls.cases.forEach((c, i) => {
      same.push(JSON.stringify(ranked[i].map((x) => x.label)) === JSON.stringify(c.results.all.map((x) => x.label)));
      ranked[i].forEach((x, j) => near(x.score, c.results.all[j].score));
    });
    await classifier.dispose();

    const tok = await ref('bert-token-cls');
    const ner = await pipeline('ner', `${heads}/bert-token-cls/`);
    for (const c of tok.cases) {
      const got = await ner(c.text, { aggregation_strategy: 'simple' });
      const want = c.entities.simple;
      same.push(got.length === want.length && got.every((e, i) =>
        e.entity_group === want[i].entity_group && e.word === want[i].word &&
        e.start === cpToIndex(c.text, want[i].start) && e.end === cpToIndex(c.text, want[i].end)));
      got.forEach((e, i) => want[i] && near(e.score, want[i].score));
    }
    await ner.dispose();

    const qaRef = await ref('bert-qa');
    const qa = await pipeline('question-answering', `${heads}/bert-qa/`);
    for (const c of qaRef.cases) {
      const got = await qa(c.question, c.context, c.options);
      const answers = c.options.top_k === 1 ? [got] : got;
      same.push(answers.length === c.answers.length &&
        answers.every((a, i) => a.answer === c.answers[i].answer && a.start === cpToIndex(c.context, c.answers[i].start)));
      answers.forEach((a, i) => c.answers[i] && near(a.score, c.answers[i].score));
    }
    await qa.dispose();

    const mlm = await ref('bert-mlm');
    const unmasker = await pipeline('fill-mask', `${heads}/bert-mlm/`);
    const top = await unmasker(mlm.cases[0].text);
    same.push(JSON.stringify(top.map((p) => p.sequence)) === JSON.stringify(mlm.cases[0].top5[0].map((p) => p.sequence)));
    top.forEach((p, i) => near(p.score, mlm.cases[0].top5[0][i].score));
    await unmasker.dispose();

    const nli = await ref('bert-nli');
    const zs = await pipeline('zero-shot-classification', `${heads}/bert-nli/`);
    for (const c of nli.zero_shot) {
      const got = await zs(c.text, c.candidates, { hypothesis_template: c.template, multi_label: c.multi_label });
      same.push(JSON.stringify(got.labels) === JSON.stringify(c.result.labels));
      got.scores.forEach((s, i) => near(s, c.result.scores[i]));
    }
    await zs.dispose();
    return { info: { worker: info.worker, variant: info.variant, threads: info.threads }, same, worst };
  }, HEADS);
  console.log(`chromium encoder tasks (${r.info.variant}, ${r.info.threads} threads): ${r.same.length} checks, ` +
    `max score error ${r.worst.toExponential(2)}`);
  expect(r.info.worker).toBe(true);
  expect(r.same.length).toBeGreaterThanOrEqual(15);
  expect(r.same.every(Boolean)).toBe(true);
  expect(r.worst).toBeLessThanOrEqual(1e-4);
  expect(errors).toEqual([]);
});
