// pipeline('text-generation') on a Hugging Face folder with a tokenizer.json:
// our self-trained tiny Llama (demo/models/tiny-lm-student). Its prompt ids
// must equal @huggingface/tokenizers' on the same tokenizer.json, streamed
// text must add up to the result, and decode(encode(x)) round-trips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

import { pipeline, shutdown } from '../../web/src/index.js';
import { ROOT, requireWasmBuild } from './helpers.mjs';

const MODEL = path.join(ROOT, 'demo/models/tiny-lm-student');
let generator;
let reference;

before(async () => {
  requireWasmBuild();
  const json = JSON.parse(fs.readFileSync(path.join(MODEL, 'tokenizer.json'), 'utf8'));
  reference = new HfTokenizer(json, {});
  generator = await pipeline('text-generation', MODEL);
});

after(async () => {
  await generator?.dispose();
  shutdown();
});

const TEXTS = [
  'Once upon a time there was a cat.',
  'Der Hund läuft schnell über die Straße!',
  'Привет, как дела?  Two  spaces and emoji 🙂 too.',
  'Numbers 12345 and punctuation: (a), [b]; "c".',
];

test('prompt ids equal @huggingface/tokenizers on the model tokenizer.json', async () => {
  assert.equal(generator.info.layout, 'Hugging Face');
  assert.equal(generator.info.hasTokenizer, true);
  for (const text of TEXTS) {
    const ours = await generator.tokenizer.encode(text);
    assert.deepEqual(ours, reference.encode(text).ids, text);
    const back = await generator.tokenizer.decode(ours, { skip_special_tokens: true });
    assert.equal(back, reference.decode(reference.encode(text).ids, { skip_special_tokens: true }), text);
  }
});

test('greedy generation streams text that adds up to the result', async () => {
  const chunks = [];
  const [out] = await generator('Once upon a time', {
    max_new_tokens: 24,
    callback_function: (t) => chunks.push(t),
  });
  assert.ok(out.generated_text.startsWith('Once upon a time'));
  assert.equal('Once upon a time' + chunks.join(''), out.generated_text);
  const ids = generator.lastResult.tokens;
  assert.ok(ids.length > 0 && ids.length <= 24);
  // The text is the decode of prompt + new ids (a lone continuation would
  // lose its leading space to the decoder's Strip).
  const prompt = await generator.tokenizer.encode('Once upon a time');
  const decoded = await generator.tokenizer.decode([...prompt, ...ids], { skip_special_tokens: true });
  assert.equal(decoded, out.generated_text);
  // Greedy is deterministic.
  const [again] = await generator('Once upon a time', { max_new_tokens: 24 });
  assert.equal(again.generated_text, out.generated_text);
});
