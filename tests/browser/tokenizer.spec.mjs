// AutoTokenizer in headless Chromium: loads tokenizer.json over HTTP into the
// module Worker and encodes / decodes / batches exactly as
// @huggingface/tokenizers does in Node on the same file.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

const DIR = 'build/testdata/tokenizers/bert-base-uncased';
const TEXTS = ['Hello, world!', 'Tokenizers split text into pieces; café naïve 日本語 😀', 'the quick brown fox'];

test('AutoTokenizer in the worker: ids, padding and decode equal @huggingface/tokenizers', async ({ page }) => {
  test.skip(!fs.existsSync(`${DIR}/tokenizer.json`), `${DIR}/tokenizer.json missing (fixtures / testdata)`);
  test.skip(!fs.existsSync('dist/pocketformer-simd-mt.mjs'), "run 'npm run build'");
  const ref = new HfTokenizer(JSON.parse(fs.readFileSync(`${DIR}/tokenizer.json`, 'utf8')), {});
  const want = TEXTS.map((t) => ref.encode(t).ids);
  const wantDecoded = want.map((ids) => ref.decode(ids, { skip_special_tokens: true }));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/tests/browser/harness.html');
  const got = await page.evaluate(async ([dir, texts]) => {
    const { AutoTokenizer } = await import('/web/src/index.js');
    const tok = await AutoTokenizer.from_pretrained(new URL(`/${dir}/`, location.href).href);
    const ids = [];
    for (const t of texts) ids.push(await tok.encode(t));
    const batch = await tok(texts, { padding: true });
    const decoded = await tok.batch_decode(batch.input_ids, { skip_special_tokens: true });
    const out = { ids, dims: batch.input_ids.dims, type: batch.input_ids.type, decoded, worker: tok.info.worker };
    await tok.dispose();
    return out;
  }, [DIR, TEXTS]);
  expect(got.worker).toBe(true);
  expect(got.ids).toEqual(want);
  expect(got.type).toBe('int64');
  expect(got.dims).toEqual([TEXTS.length, Math.max(...want.map((w) => w.length))]);
  expect(got.decoded).toEqual(wantDecoded);
  expect(errors).toEqual([]);
});
