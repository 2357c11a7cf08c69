// AutoTokenizer.from_pretrained() in Node with the real wasm build, in the
// worker (the default): a local folder and a file map, tokenizer.json and the
// vocab.txt fallback; encode / call / decode / batch_decode checked against
// @huggingface/tokenizers on the BERT and GPT-2 tokenizer.json files, chat
// templates against @huggingface/jinja, and the coded errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';

import { AutoTokenizer, PocketformerError, Tensor, env, shutdown } from '../../web/src/index.js';
import { TESTDATA, requireWasmBuild } from './helpers.mjs';
import { makeCases } from './tokenizer-cases.mjs';

const DIR = path.join(TESTDATA, 'tokenizers');
const BERT = path.join(DIR, 'bert-base-uncased');
const CHAT = '{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}' +
  '{% if add_generation_prompt %}<|assistant|>{% endif %}';
let bert;
let bertRef;

before(async () => {
  requireWasmBuild();
  if (!fs.existsSync(path.join(BERT, 'tokenizer.json'))) return;
  env.numThreads = 1;
  bert = await AutoTokenizer.from_pretrained(BERT);
  bertRef = new HfTokenizer(JSON.parse(fs.readFileSync(path.join(BERT, 'tokenizer.json'), 'utf8')), { clean_up_tokenization_spaces: false });
});

after(async () => {
  await bert?.dispose();
  shutdown();
});

function skipWithoutBert(t) {
  if (bert) return false;
  t.skip(`${BERT}/tokenizer.json missing (fixtures absent or testdata not generated)`);
  return true;
}

test('AutoTokenizer: runs in the worker, encode / decode equal @huggingface/tokenizers on 500 strings', async (t) => {
  if (skipWithoutBert(t)) return;
  assert.equal(bert.info.worker, true);
  assert.equal(bert.info.format, 'tokenizer.json');
  assert.match(bert.info.source, /bert-base-uncased/);
  for (const text of makeCases(7, 500, { addedTokens: ['[MASK]', '[SEP]'] })) {
    const want = bertRef.encode(text);
    assert.deepEqual(await bert.encode(text), want.ids, text);
    assert.deepEqual(await bert.encode(text, { add_special_tokens: false }), bertRef.encode(text, { add_special_tokens: false }).ids);
    for (const skip of [false, true]) {
      assert.equal(await bert.decode(want.ids, { skip_special_tokens: skip }), bertRef.decode(want.ids, { skip_special_tokens: skip }));
    }
  }
  const ids = await bert.encode('hello', { text_pair: 'world' });
  assert.deepEqual(ids, bertRef.encode('hello', { text_pair: 'world' }).ids);
});

test('AutoTokenizer: tokenizer(texts, {padding, truncation, text_pair}) gives int64 tensors', async (t) => {
  if (skipWithoutBert(t)) return;
  const texts = ['a short one', 'a rather longer sentence with more words in it', ''];
  const out = await bert(texts, { padding: true });
  assert.ok(out.input_ids instanceof Tensor);
  assert.equal(out.input_ids.type, 'int64');
  const refs = texts.map((s) => bertRef.encode(s).ids);
  const width = Math.max(...refs.map((r) => r.length));
  assert.deepEqual(out.input_ids.dims, [3, width]);
  const pad = bertRef.encode('[PAD]', { add_special_tokens: false }).ids[0];
  assert.deepEqual(out.input_ids.tolist().map((row) => row.map(Number)),
    refs.map((r) => [...r, ...Array(width - r.length).fill(pad)]));
  assert.deepEqual(out.attention_mask.tolist().map((row) => row.map(Number)),
    refs.map((r) => [...Array(r.length).fill(1), ...Array(width - r.length).fill(0)]));
  // Pairs: type ids 0 then 1; truncation to max_length.
  const pair = await bert('hello there', { text_pair: 'general kenobi', truncation: true, max_length: 6 });
  assert.deepEqual(pair.input_ids.dims, [1, 6]);
  assert.deepEqual(Array.from(pair.token_type_ids.data, Number), [0, 0, 0, 0, 1, 1]);
  const want = bertRef.encode('hello there', { text_pair: 'general kenobi' });
  assert.equal(Number(pair.input_ids.data[1]), want.ids[1]);
  // padding to max_length, offsets
  const fixed = await bert(['hi'], { padding: 'max_length', max_length: 8, return_offsets_mapping: true });
  assert.deepEqual(fixed.input_ids.dims, [1, 8]);
  assert.deepEqual(fixed.offset_mapping[0].slice(0, 3), [[0, 0], [0, 2], [0, 0]]);
  // max_length alone truncates (as transformers); return_tensor: false gives arrays.
  const plain = await bert(['one two three four five six seven'], { max_length: 4, return_tensor: false });
  assert.deepEqual(plain.input_ids, [bertRef.encode('one two three four five six seven').ids.slice(0, 3).concat([bertRef.encode('[SEP]', { add_special_tokens: false }).ids[0]])]);
  assert.deepEqual(plain.attention_mask, [[1, 1, 1, 1]]);
  // Unequal lengths without padding cannot make one tensor.
  await assert.rejects(bert(['a', 'a b c d']), (e) => e instanceof PocketformerError && e.code === 'INVALID_ARGUMENT');
  // batch_decode over the padded tensor
  const decoded = await bert.batch_decode(out.input_ids, { skip_special_tokens: true });
  assert.deepEqual(decoded, refs.map((r) => bertRef.decode(r, { skip_special_tokens: true })));
});

test('AutoTokenizer: return_overflowing_tokens gives stride-overlapping windows of the whole text', async (t) => {
  if (skipWithoutBert(t)) return;
  const texts = ['short', 'the quick brown fox jumps over the lazy dog and keeps running far away'];
  const out = await bert(texts, { truncation: true, max_length: 8, stride: 2, return_overflowing_tokens: true, padding: true, return_tensor: false });
  const full = bertRef.encode(texts[1], { add_special_tokens: false }).ids;
  const rows = out.input_ids.filter((_, r) => out.overflow_to_sample_mapping[r] === 1);
  assert.deepEqual(out.overflow_to_sample_mapping.slice(0, 2), [0, 1]);
  assert.ok(rows.length > 2);
  // Each window: [CLS] 6 tokens [SEP]; each starts 4 (= 6 - stride) tokens after the previous.
  const pad = bertRef.encode('[PAD]', { add_special_tokens: false }).ids[0];
  rows.forEach((row, k) => {
    const body = row.slice(1).filter((id) => id !== pad).slice(0, -1);
    assert.deepEqual(body, full.slice(4 * k, 4 * k + 6), `window ${k}`);
  });
  assert.equal(4 * (rows.length - 1) + 6 >= full.length && 4 * (rows.length - 2) + 6 < full.length, true);
});

test('AutoTokenizer: a file map with only vocab.txt (+ tokenizer_config.json) matches the tokenizer.json', async (t) => {
  if (skipWithoutBert(t)) return;
  const vocab = fs.readFileSync(path.join(TESTDATA, '..', '..', '..', 'shared', 'fixtures', 'tokenizers', 'bert-base-uncased', 'vocab.txt'));
  const config = new TextEncoder().encode(JSON.stringify({ do_lower_case: true, pad_token: '[PAD]', chat_template: CHAT }));
  const tok = await AutoTokenizer.from_pretrained({ 'vocab.txt': new Uint8Array(vocab), 'tokenizer_config.json': config });
  try {
    assert.equal(tok.info.format, 'vocab.txt');
    assert.equal(tok.pad_token, '[PAD]');
    for (const text of makeCases(11, 200)) {
      assert.deepEqual(await tok.encode(text), bertRef.encode(text).ids, text);
    }
    const messages = [{ role: 'user', content: 'Hi there' }, { role: 'assistant', content: 'Hello' }];
    const rendered = new Template(CHAT).render({ messages, add_generation_prompt: true, bos_token: '', eos_token: '' });
    assert.equal(await tok.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true }), rendered);
    const ids = await tok.apply_chat_template(messages, { add_generation_prompt: true });
    assert.ok(ids instanceof Tensor);
    assert.deepEqual(Array.from(ids.data, Number), bertRef.encode(rendered, { add_special_tokens: false }).ids);
    assert.deepEqual(await tok.apply_chat_template(messages, { return_tensor: false }),
      bertRef.encode(new Template(CHAT).render({ messages, add_generation_prompt: false }), { add_special_tokens: false }).ids);
  } finally {
    await tok.dispose();
  }
  await assert.rejects(tok.encode('x'), (e) => e.code === 'DISPOSED');
  await assert.rejects(bert.apply_chat_template([{ role: 'user', content: 'x' }]), (e) => e.code === 'UNSUPPORTED');
});

test('AutoTokenizer: GPT-2 tokenizer.json from a folder path equals @huggingface/tokenizers', async (t) => {
  const dir = path.join(DIR, 'gpt2');
  if (!fs.existsSync(path.join(dir, 'tokenizer.json'))) {
    t.skip(`${dir}/tokenizer.json missing`);
    return;
  }
  // No tokenizer_config.json: no clean-up of spaces when decoding (its default here).
  const ref = new HfTokenizer(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')), { clean_up_tokenization_spaces: false });
  const tok = await AutoTokenizer.from_pretrained(dir);
  try {
    for (const text of makeCases(3, 300, { addedTokens: ['<|endoftext|>'] })) {
      const want = ref.encode(text).ids;
      assert.deepEqual(await tok.encode(text), want, text);
      assert.equal(await tok.decode(want), ref.decode(want, {}));
    }
  } finally {
    await tok.dispose();
  }
});

test('AutoTokenizer: missing files and bad files give coded errors', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-tok-'));
  try {
    await assert.rejects(AutoTokenizer.from_pretrained(tmp), (e) => e instanceof PocketformerError && e.code === 'MODEL_NOT_FOUND');
    const bad = { 'tokenizer.json': new TextEncoder().encode('{"model": {"type": "Nope"}}') };
    await assert.rejects(AutoTokenizer.from_pretrained(bad), (e) => e.code === 'UNSUPPORTED' && /Nope/.test(e.message));
    const badConfig = { 'vocab.txt': new TextEncoder().encode('[PAD]\n[CLS]\n[SEP]\n'), 'tokenizer_config.json': new TextEncoder().encode('{') };
    await assert.rejects(AutoTokenizer.from_pretrained(badConfig), (e) => e.code === 'BAD_CONFIG');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
