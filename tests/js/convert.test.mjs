// convertToGguf(): the converter (the `pocketformer convert` CLI's C++ code)
// run from JS in the worker, as a page converting a dropped model would. The
// GGUF must be the CLI's byte for byte (f32), load back through pipeline()
// and classify / generate like the folder it came from; the accuracy report
// must describe this conversion; bad input is an Error and the worker goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { convertToGguf, pipeline, shutdown } from '../../web/src/index.js';
import { ROOT, TESTDATA, readModelFiles, requireFile, requireWasmBuild } from './helpers.mjs';

const CLI = path.join(ROOT, 'build/native/pocketformer');
const SEQ_CLS = path.join(TESTDATA, 'tiny-heads/bert-seq-cls');
const LM = path.join(ROOT, 'demo/models/tiny-lm-student');
const STORIES = path.join(ROOT, '../shared/fixtures/models/stories260K');
let dir;

before(() => {
  requireWasmBuild();
  requireFile(CLI, "run 'npm run build'");
  requireFile(path.join(SEQ_CLS, 'config.json'), "run 'npm run testdata'");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-convert-js-'));
});

after(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cliConvert(model, dtype) {
  const out = path.join(dir, `${path.basename(model)}-${dtype}.gguf`);
  execFileSync(CLI, ['convert', model, '-o', out, '--dtype', dtype], { stdio: 'pipe' });
  return new Uint8Array(fs.readFileSync(out));
}

const TEXTS = ['the quick brown fox', 'Hello, world! This is a test.', 'numbers 1 2 3 and [MASK]'];

test('an encoder folder: f32 GGUF equals the CLI\'s; q8 classifies like the folder and reports it', async () => {
  const f32 = await convertToGguf(SEQ_CLS, { dtype: 'f32' });
  assert.ok(Buffer.from(f32.gguf).equals(Buffer.from(cliConvert(SEQ_CLS, 'f32'))), 'f32 GGUF differs from the CLI');
  assert.equal(f32.report.kind, 'encoder');

  const progress = [];
  const q8 = await convertToGguf(readModelFiles(SEQ_CLS), {
    dtype: 'q8', samples: TEXTS, progress_callback: (e) => progress.push(e.status),
  });
  assert.ok(progress.includes('ready'));
  assert.equal(q8.report.dtype, 'q8');
  assert.equal(q8.report.samples, TEXTS.length);
  assert.equal(q8.report.sample_source, 'samples file');
  assert.equal(q8.report.head_rows, TEXTS.length);
  assert.ok(q8.report.hidden_cosine_min > 0.99, `cosine ${q8.report.hidden_cosine_min}`);
  assert.ok(q8.report.bytes_after < q8.report.bytes_before, 'q8 is not smaller');
  assert.match(q8.table, /argmax agreement/);

  const folder = await pipeline('text-classification', SEQ_CLS, { dtype: 'int8' });
  const gguf = await pipeline('text-classification', new Blob([q8.gguf]));
  const want = (await folder(TEXTS)).map((r) => r.label);
  const got = (await gguf(TEXTS)).map((r) => r.label);
  const agree = got.filter((l, i) => l === want[i]).length / TEXTS.length;
  assert.ok(agree >= q8.report.head_argmax_agreement - 1e-9 || agree === 1,
            `labels ${got} vs ${want}, report says ${q8.report.head_argmax_agreement}`);
  await folder.dispose();
  await gguf.dispose();
});

test('a Llama folder: f32 GGUF equals the CLI\'s; q8 generates from a Blob and reports perplexity', async () => {
  const f32 = await convertToGguf(LM, { dtype: 'f32' });
  assert.ok(Buffer.from(f32.gguf).equals(Buffer.from(cliConvert(LM, 'f32'))), 'f32 GGUF differs from the CLI');
  const q8 = await convertToGguf(LM, { dtype: 'q8', samples: ['Once upon a time there was a cat.'] });
  assert.equal(q8.report.kind, 'decoder');
  assert.ok(Number.isFinite(q8.report.perplexity_after) && q8.report.perplexity_after > 1);
  assert.ok(q8.report.logit_cosine_min > 0.99, `cosine ${q8.report.logit_cosine_min}`);

  const a = await pipeline('text-generation', new Blob([f32.gguf]));
  const b = await pipeline('text-generation', LM);
  const opts = { max_new_tokens: 12, do_sample: false };
  const [x] = await a('Once upon a time', opts);
  const [y] = await b('Once upon a time', opts);
  assert.equal(x.generated_text, y.generated_text);  // f32 GGUF of F16 weights: the same model
  await a.dispose();
  await b.dispose();
});

test('a llama2.c checkpoint + tokenizer given as files', { skip: !fs.existsSync(STORIES) && 'no ../shared fixtures' }, async () => {
  const files = {
    'stories260K.bin': fs.readFileSync(path.join(STORIES, 'stories260K.bin')),
    'tok512.bin': fs.readFileSync(path.join(STORIES, 'tok512.bin')),
  };
  const r = await convertToGguf(files, { dtype: 'f32' });
  assert.equal(r.report.kind, 'decoder');
  const g = await pipeline('text-generation', new Blob([r.gguf]));
  const [out] = await g('', { max_new_tokens: 8, do_sample: false });
  assert.ok(out.generated_text.length > 0);
  await g.dispose();
});

test('bad input: a clear Error with a code, and the worker converts again afterwards', async () => {
  await assert.rejects(convertToGguf(readModelFiles(SEQ_CLS), { dtype: 'q3' }),
                       (e) => e.code === 'INVALID_ARGUMENT' && /q3/.test(e.message));
  await assert.rejects(convertToGguf({ 'model.gguf': new Uint8Array(8) }),
                       (e) => e.code === 'INVALID_ARGUMENT' && /GGUF already/.test(e.message));
  const files = readModelFiles(SEQ_CLS);
  files['model.safetensors'] = new Uint8Array(files['model.safetensors']).slice(0, 100);
  await assert.rejects(convertToGguf(files), (e) => e.code === 'CORRUPT_MODEL');
  const noConfig = { 'model.safetensors': readModelFiles(SEQ_CLS)['model.safetensors'] };
  await assert.rejects(convertToGguf(noConfig), (e) => e.code === 'INVALID_ARGUMENT' && /config\.json/.test(e.message));
  const ok = await convertToGguf(SEQ_CLS, { dtype: 'f16' });
  assert.ok(ok.gguf.length > 0);
});
