// The demo site as a person uses it: every tab, run each task, on a desktop
// and a phone-sized viewport, with screenshots saved as test artifacts.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';

const TOL = 1e-4;
// The search tab's default model lives in build/models (made by `npm run
// demo`); the tests point it at the identical test model through ?model=.
const SEARCH = '/demo/?tab=search&model=../build/testdata/tiny-bert/';
// Text generation: the llama2.c stories260K model (MIT), which `npm run demo`
// copies from ../shared/fixtures; the tests do the same (build/ is not in git).
const STORIES_DIR = 'build/models/stories260K';
const STORIES_FIXTURE = '../shared/fixtures/models/stories260K';
const GENERATE = `/demo/?tab=generate&model=../${STORIES_DIR}/`;
// Expected 404s: optional files a folder does not have (probed: a llama2.c
// folder has no config.json; an encoder folder with vocab.txt has no
// tokenizer.json, one with model.safetensors no shard index, and only
// sentence-transformers models have modules.json), and
// bundled models (build/models/, demo/models/) that are not there: the page
// asks which exist; with none, a tab opens with the first and says how to
// make it; the tests then load theirs by URL.
const OPTIONAL_404 =
  /\/(config\.json|model\.safetensors|model\.safetensors\.index\.json|generation_config\.json|tokenizer_config\.json|tokenizer\.json|vocab\.txt|modules\.json)$|\/(build|demo)\/models\//;

test.beforeAll(() => {
  for (const [file, how] of [
    ['dist/pocketformer-simd-mt.mjs', "run 'npm run build'"],
    ['build/testdata/tiny-bert/reference.json', "run 'npm run testdata'"],
  ]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${how}`);
  }
  if (!fs.existsSync(`${STORIES_DIR}/model.bin`) && fs.existsSync(STORIES_FIXTURE)) {
    fs.mkdirSync(STORIES_DIR, { recursive: true });
    fs.copyFileSync(`${STORIES_FIXTURE}/stories260K.bin`, `${STORIES_DIR}/model.bin`);
    fs.copyFileSync(`${STORIES_FIXTURE}/tok512.bin`, `${STORIES_DIR}/tokenizer.bin`);
  }
});

function haveStories() {
  return fs.existsSync(`${STORIES_DIR}/model.bin`) && fs.existsSync(`${STORIES_DIR}/tokenizer.bin`);
}

function reference() {
  return JSON.parse(fs.readFileSync('build/testdata/tiny-bert/reference.json', 'utf8'));
}

function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource.*404/.test(m.text())) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !(r.status() === 404 && OPTIONAL_404.test(r.url()))) {
      errors.push(`HTTP ${r.status()} ${r.url()}`);
    }
  });
  return errors;
}

async function shot(page, testInfo, name) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  fs.mkdirSync('test-results/demo', { recursive: true });
  fs.copyFileSync(path, `test-results/demo/${name}.png`);
}

const panel = (page, id) => page.locator(`#tab-${id}`);

async function searchFor(page, query) {
  const p = panel(page, 'search');
  await p.getByLabel('Search query').fill(query);
  await p.getByRole('button', { name: 'Search' }).click();
  await expect(p).toHaveAttribute('data-state', 'done');
  return p.locator('.results li');
}

async function noHorizontalOverflow(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

// The encoder task pipelines (and their tabs) exist once web/src has them.
const ENCODER_TASKS = fs.existsSync('web/src/pipelines/fill-mask.js');
const HEADS = 'build/testdata/tiny-heads';

test('tabs: one per task the package supports, in order', async ({ page }) => {
  await page.goto(SEARCH);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByRole('tab')).toHaveText([
    'Semantic search',
    ...(ENCODER_TASKS ? ['Classification', 'Named entities', 'Question answering', 'Fill-mask'] : []),
    'Text generation',
  ]);
  await expect(page.getByRole('tab', { name: 'Semantic search' })).toHaveAttribute('aria-selected', 'true');
});

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`semantic search (${label}): exact sentence ranks first with cosine 1; runtime and perf shown`, async ({ page }, testInfo) => {
    await page.setViewportSize(viewport);
    const errors = collectErrors(page);
    await page.goto(SEARCH);
    const p = panel(page, 'search');
    await expect(p).toHaveAttribute('data-state', 'ready');
    // config.json, model.safetensors, vocab.txt and tokenizer_config.json.
    await expect(p.locator('.files li.done')).toHaveCount(4);
    const target = 'Central banks raise rates to slow down inflation.';
    const rows = await searchFor(page, target);
    await expect(rows).toHaveCount(20);
    await expect(rows.filter({ visible: true })).toHaveCount(8);
    await expect(rows.first().locator('.result-text')).toHaveText(target);
    const top = Number(await rows.first().getAttribute('data-score'));
    const second = Number(await rows.nth(1).getAttribute('data-score'));
    console.log(`search (${label}): top ${top.toFixed(6)}, second ${second.toFixed(6)}`);
    expect(top).toBeGreaterThan(0.9999);
    expect(second).toBeLessThan(top);
    const badge = page.locator('#runtime-badge');
    expect(Number(await badge.getAttribute('data-threads'))).toBeGreaterThan(1);
    await expect(badge).toHaveAttribute('data-isolated', 'true');
    await expect(page.locator('.perf-load')).toHaveText(/\d/);
    await expect(page.locator('.perf-latency')).toHaveText(/\d/);
    await expect(page.locator('.perf-heap')).toHaveText(/\d+(\.\d)? (kB|MB|GB)/);
    await expect(page.locator('.perf-tps')).toBeHidden();
    await expect(page.locator('.perf-calls')).toHaveText('2'); // the corpus, then the query
    await noHorizontalOverflow(page);
    await shot(page, testInfo, `search-${label}`);
    await p.getByRole('button', { name: 'Show all 20' }).click();
    await expect(rows.filter({ visible: true })).toHaveCount(20);
    expect(errors).toEqual([]);
  });
}

test('semantic search: the demo shows the reference cosine of two sentences', async ({ page }) => {
  const ref = reference();
  await page.goto(SEARCH);
  const p = panel(page, 'search');
  await expect(p).toHaveAttribute('data-state', 'ready');
  await p.locator('summary').click();
  await p.getByLabel('Corpus, one sentence per line').fill(`${ref.similarity.b}\n${ref.similarity.a} and more`);
  const rows = await searchFor(page, ref.similarity.a);
  const row = rows.filter({ has: page.getByText(ref.similarity.b, { exact: true }) });
  const cosine = Number(await row.getAttribute('data-score'));
  console.log(`demo cosine ${cosine.toFixed(6)} vs reference ${ref.similarity.cosine.toFixed(6)}`);
  expect(Math.abs(cosine - ref.similarity.cosine)).toBeLessThanOrEqual(TOL);
  await expect(p.locator('.model-notice')).toBeHidden(); // not the bundled model, so no label
});

test('the bundled search model is labelled as random weights', async ({ page }) => {
  test.skip(!fs.existsSync('build/models/tiny-bert/model.safetensors'), "build/models/tiny-bert missing: run 'npm run demo'");
  await page.goto('/demo/');
  const p = panel(page, 'search');
  await expect(p).toHaveAttribute('data-state', 'ready');
  await expect(p.locator('.model-notice')).toContainText('random weights: numbers are meaningless, for testing the runtime only');
});

test('text generation opens with the first bundled model present, labelled', async ({ page }) => {
  const selfTrained = fs.existsSync('demo/models/tiny-lm-student/config.json');
  test.skip(!selfTrained && !haveStories(), "no bundled text-generation model: run 'npm run demo'");
  await page.goto('/demo/?tab=generate');
  const p = panel(page, 'generate');
  await expect(p).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  if (selfTrained) {
    await expect(p.locator('.model-notice')).toContainText('tiny-lm-student');
    await expect(p.locator('.model-notice')).toContainText('tiny self-trained model');
  } else {
    await expect(p.locator('.model-notice')).toContainText('stories260K (llama2.c): small trained model (third party)');
    await expect(p.locator('.chip')).toHaveText(['stories260K (llama2.c)']); // only what is present
  }
});

test('semantic search: the precision selector reloads the model quantized (int8 close to f32)', async ({ page }) => {
  const ref = reference();
  await page.goto(SEARCH);
  const p = panel(page, 'search');
  await expect(p).toHaveAttribute('data-state', 'ready');
  await p.locator('summary').click();
  await p.getByLabel('Corpus, one sentence per line').fill(ref.similarity.b);
  const score = async () => Number(await (await searchFor(page, ref.similarity.a)).first().getAttribute('data-score'));
  const f32 = await score();
  await p.getByLabel('Precision').selectOption('int8');
  await expect(p).toHaveAttribute('data-state', 'ready');
  await expect(p.locator('.status')).toContainText('Ready');
  const int8 = await score();
  console.log(`demo int8 cosine ${int8.toFixed(6)} vs f32 ${f32.toFixed(6)} (reference ${ref.similarity.cosine.toFixed(6)})`);
  expect(Math.abs(f32 - ref.similarity.cosine)).toBeLessThanOrEqual(TOL);
  // int8 keeps pooled embeddings at cosine >= 0.999 to f32, so their
  // similarity moves by well under 0.02 (but does move).
  expect(Math.abs(int8 - f32)).toBeLessThanOrEqual(0.02);
  expect(int8).not.toBe(f32);
});

test('semantic search: model files chosen from disk load as a file map', async ({ page }) => {
  await page.goto('/demo/?tab=search&model=../build/testdata/no-such-model/');
  const p = panel(page, 'search');
  await expect(p).toHaveAttribute('data-state', 'error');
  // The drop zone's file chooser: the same path as dropping the files.
  await p.locator('.drop-zone input[type=file]').setInputFiles(
    ['config.json', 'model.safetensors', 'vocab.txt'].map((f) => `build/testdata/tiny-bert/${f}`));
  await expect(p).toHaveAttribute('data-state', 'ready');
  await expect(p.locator('.status')).toContainText('local files (config.json, model.safetensors, vocab.txt)');
  await expect(p.locator('.files li.done')).toHaveCount(3);
  const rows = await searchFor(page, 'The river flooded the valley after the storm.');
  await expect(rows.first().locator('.result-text')).toHaveText('The river flooded the valley after the storm.');
});

test('a missing model folder shows a clear error', async ({ page }) => {
  await page.goto('/demo/?tab=search&model=../build/testdata/no-such-model/');
  const p = panel(page, 'search');
  await expect(p).toHaveAttribute('data-state', 'error');
  await expect(p.locator('.status')).toContainText('MODEL_NOT_FOUND');
  await expect(p.locator('.status')).toContainText('no-such-model/');
  await expect(p.getByRole('button', { name: 'Search' })).toBeDisabled();
});

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`text generation (${label}): streams token by token, Stop stops it, the layout does not move`, async ({ page }, testInfo) => {
    test.skip(!haveStories(), `${STORIES_DIR} missing and no ${STORIES_FIXTURE}: run 'npm run demo'`);
    test.setTimeout(90_000);
    await page.setViewportSize(viewport);
    const errors = collectErrors(page);
    await page.goto('/demo/?tab=search&model=../build/testdata/tiny-bert/');
    await expect(panel(page, 'search')).toHaveAttribute('data-state', 'ready');
    // Through the tab bar, as a person would; then the test model via the URL field.
    await page.getByRole('tab', { name: 'Text generation' }).click();
    const p = panel(page, 'generate');
    await expect(p).toBeVisible();
    await p.getByLabel('Model URL or Hugging Face repo id').fill(`../${STORIES_DIR}/`);
    await p.getByRole('button', { name: 'Load' }).click();
    await expect(p).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await expect(p.locator('.model-notice')).toContainText('stories260K');
    await expect(p.locator('.files li.done')).toHaveCount(2);

    // Long run, stopped by the button after more than 10 chunks.
    await p.getByLabel('Max tokens').fill('480');
    await p.getByLabel('Seed').fill('7');
    const output = p.locator('.gen-output');
    const stats = p.locator('.gen-stats');
    // Positions in the document (not the viewport, which may scroll).
    const place = (locator) => locator.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
    });
    const boxBefore = await place(output);
    const statsBefore = await place(stats);
    // Generation can outrun a click from outside (1000+ tokens/s on a small
    // model), so the page itself presses Stop once 12 chunks are shown, after
    // noting where the output box and the stats line are at that moment.
    await page.evaluate(() => {
      const panel = document.getElementById('tab-generate');
      const out = panel.querySelector('.gen-output');
      const place = (el) => {
        const r = el.getBoundingClientRect();
        return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
      };
      const observer = new MutationObserver(() => {
        if (Number(out.dataset.chunks) < 12) return;
        observer.disconnect();
        window.duringStream = { output: place(out), stats: place(panel.querySelector('.gen-stats')),
          state: panel.dataset.state, chunks: Number(out.dataset.chunks) };
        panel.querySelector('button.stop').click();
      });
      observer.observe(out, { attributes: true, attributeFilter: ['data-chunks'] });
    });
    await p.getByRole('button', { name: 'Generate' }).click();
    await expect(p).toHaveAttribute('data-state', /stopped|done|error/, { timeout: 30_000 });
    const during = await page.evaluate(() => window.duringStream);
    expect(during.state).toBe('running');
    expect(during.output).toEqual(boxBefore);
    expect(during.stats.y).toBe(statsBefore.y);
    const state = await p.getAttribute('data-state');
    const chunks = Number(await output.getAttribute('data-chunks'));
    await page.waitForTimeout(500);
    expect(Number(await output.getAttribute('data-chunks'))).toBe(chunks);
    console.log(`generation (${label}): ${state} after ${chunks} chunks (Stop pressed at ${during.chunks}); ${await stats.textContent()}`);
    expect(state).toBe('stopped');
    expect(chunks).toBeLessThan(480);
    await expect(page.locator('.perf-tps')).toHaveText(/^\d+(\.\d)?$/);
    await shot(page, testInfo, `generate-${label}-stopped`);
    await expect(stats).toContainText('Stopped after');
    await expect(p.getByRole('button', { name: 'Stop' })).toBeDisabled();

    // A short greedy run to the end: tokens/s in the stats line and the perf panel.
    await p.getByLabel('Sample').uncheck();
    await p.getByLabel('Max tokens').fill('40');
    await p.getByRole('button', { name: 'Generate' }).click();
    await expect(p).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await expect(stats).toContainText(/40 tokens in .* tokens\/s/);
    await expect(page.locator('.perf-tps')).toHaveText(/^\d+(\.\d)?$/);
    expect((await output.textContent()).startsWith('Once upon a time')).toBe(true);
    expect((await output.textContent()).length).toBeGreaterThan('Once upon a time'.length + 40);
    // Greedy decoding follows llama2.c's own greedy story (its golden_check.txt).
    const golden = `${STORIES_FIXTURE}/golden_check.txt`;
    if (fs.existsSync(golden)) {
      const text = await output.textContent();
      expect(fs.readFileSync(golden, 'utf8').startsWith(text), `not llama2.c's greedy text: ${text}`).toBe(true);
    }
    await noHorizontalOverflow(page);
    await shot(page, testInfo, `generate-${label}`);
    expect(errors).toEqual([]);
  });
}

test('embedding example: a plain page gets semantic search over its own sentences', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const errors = collectErrors(page);
  await page.goto('/demo/embed-example.html?model=../build/testdata/tiny-bert/');
  const input = page.getByLabel('Search this page');
  await expect(input).toBeEnabled({ timeout: 20_000 });
  const target = 'Honey is harvested in late summer.';
  await input.fill(target);
  await input.press('Enter');
  const hits = page.getByRole('list', { name: 'Best matching sentences' }).locator('li');
  await expect(hits).toHaveCount(3);
  await expect(hits.first().locator('a')).toHaveText(target);
  await expect(page.locator('article span', { hasText: target })).toHaveCSS('background-color', 'rgb(255, 229, 138)');
  await noHorizontalOverflow(page);
  await shot(page, testInfo, 'embed-example-phone');
  expect(errors).toEqual([]);
});

// The encoder tasks, each on its random-weight test checkpoint, through the
// tab bar, at desktop and phone width.
const ENCODER_TABS = [
  {
    tab: 'Classification', id: 'classify', model: 'bert-seq-cls', button: 'Classify',
    async check(p) {
      const rows = p.locator('.labels li');
      await expect(rows).toHaveCount(3); // negative, neutral, positive
      const scores = await rows.evaluateAll((els) => els.map((e) => Number(e.dataset.score)));
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(Math.abs(scores.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4); // softmax
    },
  },
  {
    tab: 'Named entities', id: 'ner', model: 'bert-token-cls', button: 'Find entities',
    async check(p) {
      const text = await p.getByLabel('Text with entities', { exact: true }).inputValue();
      const marked = p.locator('.marked-text');
      // Marks sit inline: the highlighted text reads as the input again.
      const plain = await marked.evaluate((el) => {
        const copy = el.cloneNode(true);
        copy.querySelectorAll('.ent-label').forEach((l) => l.remove());
        return copy.textContent;
      });
      expect(plain).toBe(text);
      const marks = await marked.locator('mark').count();
      await expect(p.locator('.legend li')).toHaveCount(marks);
      expect(marks).toBeGreaterThan(0);
    },
  },
  {
    tab: 'Question answering', id: 'qa', model: 'bert-qa', button: 'Answer',
    async check(p) {
      const answer = (await p.locator('.answer strong').textContent()).trim();
      expect(answer.length).toBeGreaterThan(0);
      await expect(p.locator('.marked-text mark.answer-mark')).toHaveText(answer);
      const context = await p.getByLabel('Context', { exact: true }).inputValue();
      expect(await p.locator('.marked-text').textContent()).toBe(context);
    },
  },
  {
    tab: 'Fill-mask', id: 'fill-mask', model: 'bert-mlm', button: 'Fill',
    async check(p) {
      const rows = p.locator('.labels li');
      await expect(rows).toHaveCount(5);
      const first = rows.first();
      const token = (await first.locator('.result-text').textContent()).trim();
      expect(await first.locator('.sequence').textContent()).toContain(token);
    },
  },
];

test('classification tab opens on our self-trained language-ID model (7 languages)', async ({ page }) => {
  test.skip(!ENCODER_TASKS, 'the package has no encoder task pipelines yet');
  const errors = collectErrors(page);
  await page.goto(SEARCH);
  await page.getByRole('tab', { name: 'Classification' }).click();
  const p = panel(page, 'classify');
  await expect(p).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(p).toContainText('tiny self-trained model');
  await p.getByRole('button', { name: 'Classify', exact: true }).click();
  await expect(p).toHaveAttribute('data-state', 'done');
  const labels = await p.locator('.labels li').evaluateAll((els) => els.length);
  expect(labels).toBe(7);
  expect(errors).toEqual([]);
});

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`encoder tasks (${label}): classification, entities inline, QA span in context, fill-mask`, async ({ page }, testInfo) => {
    test.skip(!ENCODER_TASKS, 'the package has no encoder task pipelines yet');
    test.setTimeout(120_000);
    await page.setViewportSize(viewport);
    const errors = collectErrors(page);
    await page.goto(SEARCH);
    await expect(panel(page, 'search')).toHaveAttribute('data-state', 'ready');
    for (const t of ENCODER_TABS) {
      await page.getByRole('tab', { name: t.tab }).click();
      const p = panel(page, t.id);
      await expect(p).toBeVisible();
      await p.getByLabel('Model URL or Hugging Face repo id').fill(`../${HEADS}/${t.model}/`);
      await p.getByRole('button', { name: 'Load' }).click();
      await expect(p).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
      await p.getByRole('button', { name: t.button, exact: true }).click();
      await expect(p).toHaveAttribute('data-state', 'done');
      await t.check(p);
      await expect(page.locator('.perf-latency')).toHaveText(/\d/);
      await noHorizontalOverflow(page);
      await shot(page, testInfo, `${t.id}-${label}`);
    }
    expect(errors).toEqual([]);
  });
}
