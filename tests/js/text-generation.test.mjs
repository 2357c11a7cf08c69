// pipeline('text-generation') in Node (worker_threads) on the real trained
// stories260K llama2.c model from ../shared/fixtures: greedy decoding must
// reproduce llama2.c's golden_check.txt; streaming, stop strings, seeded
// sampling, abort between tokens and hostile files through the public API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { pipeline, env, shutdown, PocketformerError } from '../../web/src/index.js';
import { ROOT, requireWasmBuild } from './helpers.mjs';

const FIXTURE = process.env.POCKETFORMER_FIXTURES
  ? path.join(process.env.POCKETFORMER_FIXTURES, 'models/stories260K')
  : path.join(ROOT, '../shared/fixtures/models/stories260K');
const HAVE_FIXTURE = fs.existsSync(path.join(FIXTURE, 'stories260K.bin'));
const SKIP = HAVE_FIXTURE ? false : `../shared/fixtures/models/stories260K not found (${FIXTURE})`;

let files;
let golden;
let generator;

function storiesFiles() {
  return {
    'model.bin': new Uint8Array(fs.readFileSync(path.join(FIXTURE, 'stories260K.bin'))),
    'tokenizer.bin': new Uint8Array(fs.readFileSync(path.join(FIXTURE, 'tok512.bin'))),
  };
}

before(async () => {
  if (!HAVE_FIXTURE) return;
  requireWasmBuild();
  env.numThreads = 2;
  files = storiesFiles();
  golden = fs.readFileSync(path.join(FIXTURE, 'golden_check.txt'), 'utf8');
  generator = await pipeline('text-generation', files);
});

after(async () => {
  await generator?.dispose();
  shutdown();
});

test('stories260K: greedy 200 tokens from BOS reproduce golden_check.txt', { skip: SKIP }, async () => {
  assert.equal(generator.info.layout, 'llama2.c');
  assert.equal(generator.info.worker, true);
  const [out] = await generator('', { max_new_tokens: 200 });
  assert.equal(out.generated_text, golden);
  assert.equal(generator.lastResult.stats.newTokens, 200);
  assert.equal(generator.lastResult.stopReason, 'max_new_tokens');
  console.log(`stories260K f32 (node, ${generator.info.variant}): ` +
    `${generator.lastResult.stats.tokensPerSecond.toFixed(0)} tokens/s`);
});

test('streaming: chunks (iterator and callback) add up to the same text', { skip: SKIP }, async () => {
  const chunks = [];
  for await (const text of generator.stream('', { max_new_tokens: 60 })) chunks.push(text);
  const viaCallback = [];
  const [out] = await generator('', { max_new_tokens: 60, callback_function: (t) => viaCallback.push(t) });
  assert.ok(chunks.length > 10, `only ${chunks.length} chunks`);
  assert.equal(chunks.join(''), out.generated_text);
  assert.deepEqual(viaCallback, chunks);
  assert.ok(golden.startsWith(out.generated_text));
});

test('a prompt continues the story; return_full_text: false gives only the continuation', { skip: SKIP }, async () => {
  const prompt = 'Once upon a time';
  const [full] = await generator(prompt, { max_new_tokens: 20 });
  const [tail] = await generator(prompt, { max_new_tokens: 20, return_full_text: false });
  assert.ok(full.generated_text.startsWith(prompt));
  assert.equal(full.generated_text, prompt + tail.generated_text);
  assert.ok(golden.startsWith(full.generated_text), full.generated_text);
});

test('stop strings end the text before the stop string', { skip: SKIP }, async () => {
  const [out] = await generator('', { max_new_tokens: 200, stop: ['park'] });
  const at = golden.indexOf('park');
  assert.equal(out.generated_text, golden.slice(0, at));
});

test('sampling: the same seed gives the same text, other seeds differ', { skip: SKIP }, async () => {
  const opts = { max_new_tokens: 40, do_sample: true, temperature: 1, top_k: 40, top_p: 0.9 };
  const [a] = await generator('', { ...opts, seed: 7 });
  const [b] = await generator('', { ...opts, seed: 7 });
  assert.equal(a.generated_text, b.generated_text);
  const others = new Set();
  for (const seed of [1, 2, 3, 4]) others.add((await generator('', { ...opts, seed }))[0].generated_text);
  assert.ok(others.size >= 2, 'different seeds all gave the same text');
});

test('abort stops generation between tokens; the worker keeps serving', { skip: SKIP }, async () => {
  const controller = new AbortController();
  let seen = 0;
  const run = generator('', {
    max_new_tokens: 400,
    signal: controller.signal,
    callback_function: () => {
      if (++seen === 5) controller.abort();
    },
  });
  const stats = await generator.runtimeStats();  // answered while generation runs
  assert.ok(stats.heapBytes > 1 << 20 && stats.models >= 1, JSON.stringify(stats));
  const err = await run.catch((e) => e);
  assert.ok(err instanceof PocketformerError, String(err));
  assert.equal(err.code, 'ABORTED');
  const [out] = await generator('', { max_new_tokens: 10 });
  assert.ok(golden.startsWith(out.generated_text));
  // The stream iterator: breaking out stops generation too.
  let n = 0;
  for await (const _ of generator.stream('', { max_new_tokens: 400 })) if (++n === 3) break;
  const [again] = await generator('', { max_new_tokens: 10 });
  assert.equal(again.generated_text, out.generated_text);
});

test('int8 and q4 stay close to the f32 greedy text', { skip: SKIP }, async () => {
  await generator('', { max_new_tokens: 200 });
  const reference = generator.lastResult.tokens;
  for (const dtype of ['int8', 'q4']) {
    const q = await pipeline('text-generation', storiesFiles(), { dtype });
    await q('', { max_new_tokens: 200 });
    const ids = q.lastResult.tokens;
    let same = 0;
    while (same < ids.length && same < reference.length && ids[same] === reference[same]) same++;
    console.log(`stories260K ${dtype}: first ${same} of ${reference.length} tokens identical to f32`);
    if (dtype === 'int8') assert.ok(same >= 20, `int8 diverged after ${same} tokens`);
    await q.dispose();
  }
});

test('hostile llama2.c files give coded errors; the runtime keeps serving', { skip: SKIP }, async () => {
  const truncated = { ...storiesFiles() };
  truncated['model.bin'] = truncated['model.bin'].slice(0, 1000);
  const e1 = await pipeline('text-generation', truncated).catch((e) => e);
  assert.equal(e1.code, 'CORRUPT_MODEL', e1.message);
  const e2 = await pipeline('text-generation', { 'model.bin': files['model.bin'] }).catch((e) => e);
  assert.equal(e2.code, 'MODEL_NOT_FOUND');
  assert.match(e2.message, /tokenizer\.bin/);
  const [out] = await generator('', { max_new_tokens: 5 });
  assert.ok(golden.startsWith(out.generated_text));
});

test('GGUF: `pocketformer convert` output loads by path and as bytes (f32 reproduces the golden text; q8 keeps int8)', { skip: SKIP }, async () => {
  const cli = path.join(ROOT, 'build/native/pocketformer');
  assert.ok(fs.existsSync(cli), `${cli} missing: run 'npm run build'`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-gguf-'));
  try {
    for (const dtype of ['f32', 'q8']) {
      execFileSync(cli, ['convert', path.join(FIXTURE, 'stories260K.bin'), '--tokenizer',
        path.join(FIXTURE, 'tok512.bin'), '-o', path.join(dir, `stories-${dtype}.gguf`), '--dtype', dtype],
      { stdio: 'ignore', timeout: 120_000 });
    }
    const g = await pipeline('text-generation', path.join(dir, 'stories-f32.gguf'));
    assert.equal(g.info.layout, 'GGUF');
    const [out] = await g('', { max_new_tokens: 200 });
    assert.equal(out.generated_text, golden);
    await g.dispose();
    // The same file given as bytes: a Blob (a dropped File) and an ArrayBuffer.
    const bytes = fs.readFileSync(path.join(dir, 'stories-f32.gguf'));
    for (const given of [new Blob([bytes]), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)]) {
      const b = await pipeline('text-generation', given);
      assert.equal(b.info.layout, 'GGUF');
      const [bout] = await b('', { max_new_tokens: 40 });
      assert.ok(golden.startsWith(bout.generated_text) && bout.generated_text.length > 20, bout.generated_text);
      await b.dispose();
    }
    await assert.rejects(pipeline('text-generation', new Uint8Array([123, 34, 97, 34, 125])),
      (e) => e.code === 'INVALID_ARGUMENT' && /single file must be a GGUF/.test(e.message));
    const q = await pipeline('text-generation', path.join(dir, 'stories-q8.gguf'));
    assert.equal(q.info.dtype, 'int8');
    const [qout] = await q('', { max_new_tokens: 20 });
    assert.ok(qout.generated_text.length > 0);
    await q.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

