// pipeline('text-generation', ..., { kv_cache_dtype: 'f16' }): the KV cache
// stored as IEEE half (attention still in f32) takes half the memory of the
// f32 one and, on our tiny Llama (demo/models/tiny-lm-student), greedy text
// stays the same as with the f32 cache; anything but f32/f16 is rejected.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { pipeline, shutdown } from '../../web/src/index.js';
import { ROOT, requireWasmBuild } from './helpers.mjs';

const MODEL = path.join(ROOT, 'demo/models/tiny-lm-student');

after(() => shutdown());

test('kv_cache_dtype f16 halves the cache and keeps greedy text', async () => {
  requireWasmBuild();
  const f32 = await pipeline('text-generation', MODEL);
  const f16 = await pipeline('text-generation', MODEL, { kv_cache_dtype: 'f16' });
  try {
    assert.equal(f32.info.kvCacheDtype, 'f32');
    assert.equal(f16.info.kvCacheDtype, 'f16');
    assert.ok(f32.info.kvCacheBytes > 0);
    assert.equal(f16.info.kvCacheBytes * 2, f32.info.kvCacheBytes);
    const [a] = await f32('Once upon a time', { max_new_tokens: 32 });
    const [b] = await f16('Once upon a time', { max_new_tokens: 32 });
    const ta = f32.lastResult.tokens, tb = f16.lastResult.tokens;
    let agree = 0;
    while (agree < ta.length && ta[agree] === tb[agree]) agree++;
    console.log(`# f16 KV: ${agree}/${ta.length} greedy tokens equal to the f32 cache's`);
    assert.equal(b.generated_text, a.generated_text);
  } finally {
    await f32.dispose();
    await f16.dispose();
  }
});

test('kv_cache_dtype other than f32/f16 rejects with INVALID_ARGUMENT', async () => {
  requireWasmBuild();
  await assert.rejects(pipeline('text-generation', MODEL, { kv_cache_dtype: 'f8' }),
    (e) => e.code === 'INVALID_ARGUMENT' && /f8/.test(e.message));
});
