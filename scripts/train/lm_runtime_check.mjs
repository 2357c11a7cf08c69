// The exported LM in our runtime (text-generation pipeline, Node, 1 thread): greedy
// continuations compared token by token with lm_reference.py's float64 PyTorch ones
// (a difference is reported with the reference's top-2 logit margin at that step, since a
// near-tie may legitimately flip under f32), then decode speed for f32 / int8 / q4.
//   node scripts/train/lm_runtime_check.mjs <model dir> <reference.json> [web/src/index.js path]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modelDir, refPath, indexPath] = process.argv.slice(2);
const { pipeline, env, shutdown } = await import(
  indexPath ? pathToFileURL(path.resolve(indexPath)).href : '../../web/src/index.js');
const reference = JSON.parse(fs.readFileSync(refPath, 'utf8'));
const files = Object.fromEntries(
  ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer.model',
   'tokenizer_config.json', 'special_tokens_map.json']
    .map((f) => [f, fs.readFileSync(path.join(modelDir, f))]));

env.numThreads = 1;
const results = [];
for (const dtype of ['f32', 'int8', 'q4']) {
  const gen = await pipeline('text-generation', files, { dtype });
  let agree = 0;
  let total = 0;
  const firstDiff = [];
  for (const c of reference.cases) {
    const ids = await gen.tokenizer.encode(c.prompt);
    if (dtype === 'f32' && ids.join(' ') !== c.input_ids.join(' ')) {
      throw new Error(`prompt ids differ: ${ids} vs ${c.input_ids}`);
    }
    const out = await gen(c.prompt, { max_new_tokens: c.new_ids.length, do_sample: false });
    // the generated ids themselves (re-encoding the decoded text may split it differently)
    const got = gen.lastResult.tokens;
    if (!out[0].generated_text.startsWith(c.prompt)) throw new Error(`output does not start with the prompt: ${out[0].generated_text}`);
    let k = 0;
    while (k < c.new_ids.length && got[k] === c.new_ids[k]) k++;
    agree += k;
    total += c.new_ids.length;
    if (k < c.new_ids.length) firstDiff.push({ prompt: c.prompt, step: k, margin: +c.top2_margins[k].toFixed(4) });
  }
  const n = 64;
  const t0 = performance.now();
  await gen('The', { max_new_tokens: n, do_sample: false });
  const ms = performance.now() - t0;
  results.push({ dtype, greedy_tokens_matching_reference: `${agree}/${total}`, first_differences: firstDiff,
                 tokens_per_s: +(n / (ms / 1000)).toFixed(1) });
  console.log(JSON.stringify(results.at(-1)));
  await gen.dispose();
}
shutdown();
