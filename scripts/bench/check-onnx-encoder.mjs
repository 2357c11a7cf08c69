// Checks the ONNX graphs of scripts/bench/make-onnx-encoder.py under
// onnxruntime-web (wasm backend, in Node) against the float64 PyTorch
// reference stored next to them (check.json): max abs error over the tokens
// the mask keeps, and the cosine of the whole hidden-state tensor. Exits 1
// when f32 is off by more than 1e-3 or int8's cosine is below 0.9, so a
// broken export cannot be benchmarked unnoticed. (Per-tensor int8 weights
// with uint8 dynamic activations measured 0.977 (MiniLM shape) and 0.934
// (BERT-base shape) on these random N(0, 0.2^2) weights, whose attention
// logits are large enough that small errors move the softmax a lot; a
// miswired graph gives ~0.)
//   node scripts/bench/check-onnx-encoder.mjs [DIR ...]   (default build/bench/encoder/*)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const base = path.join(ROOT, 'build/bench/encoder');
const dirs = process.argv.length > 2 ? process.argv.slice(2)
  : fs.readdirSync(base).map((d) => path.join(base, d)).filter((d) => fs.existsSync(path.join(d, 'check.json')));
if (!dirs.length) throw new Error(`nothing to check in ${base}: run scripts/bench/make-onnx-encoder.py`);

ort.env.wasm.numThreads = 1;
const int64 = (rows) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);

let failed = false;
for (const dir of dirs) {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, 'check.json'), 'utf8'));
  const [B, S, H] = ref.dims;
  for (const [file, limit] of [['model.onnx', { maxAbs: 1e-3 }], ['model_int8.onnx', { cosine: 0.9 }]]) {
    const session = await ort.InferenceSession.create(fs.readFileSync(path.join(dir, file)));
    const out = await session.run({ input_ids: int64(ref.input_ids), attention_mask: int64(ref.attention_mask),
                                    token_type_ids: int64(ref.token_type_ids) });
    const got = out.last_hidden_state.data;
    let maxAbs = 0, dot = 0, na = 0, nb = 0;
    for (let b = 0; b < B; ++b) {
      for (let s = 0; s < S; ++s) {
        if (!ref.attention_mask[b][s]) continue;  // padded rows: undefined in both
        for (let h = 0; h < H; ++h) {
          const i = (b * S + s) * H + h, x = got[i], y = ref.last_hidden_state[i];
          maxAbs = Math.max(maxAbs, Math.abs(x - y));
          dot += x * y; na += x * x; nb += y * y;
        }
      }
    }
    const cosine = dot / Math.sqrt(na * nb);
    const ok = (limit.maxAbs === undefined || maxAbs <= limit.maxAbs) && (limit.cosine === undefined || cosine >= limit.cosine);
    failed ||= !ok;
    console.log(`${path.relative(ROOT, path.join(dir, file))}: max abs err ${maxAbs.toExponential(2)}, ` +
                `cosine ${cosine.toFixed(6)} vs the float64 reference ${ok ? 'ok' : 'FAIL ' + JSON.stringify(limit)}`);
    await session.release();
  }
}
process.exit(failed ? 1 : 0);
