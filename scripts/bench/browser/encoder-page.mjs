// Page side of `npm run bench:encoder`: pocketformer (our package, its
// default module Worker) and onnxruntime-web (wasm backend, SIMD + threads,
// on this page's thread, ORT's default: no proxy worker) with the same thread
// count (?threads=N; ORT fixes it when its wasm starts, hence one page load
// per thread count). Exposed as window.bench; the spec drives it.
import * as ort from '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';
import { pipeline, env, shutdown } from '/web/src/index.js';

const THREADS = Number(new URLSearchParams(location.search).get('threads') || 1);
ort.env.wasm.numThreads = THREADS;
ort.env.wasm.simd = true;
ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
env.numThreads = THREADS;
env.wasmBaseUrl = '/dist/';

const pf = new Map();
const sessions = new Map();
const inputs = new Map();     // 'BxS' -> { texts, ids: number[][] }
const references = new Map(); // 'model BxS' -> ORT f32 hidden states (cosine baseline)

const bytes = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
};
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

function cosine(a, b) {
  if (a.length !== b.length) throw new Error(`output sizes differ: ${a.length} vs ${b.length}`);
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; ++i) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return dot / Math.sqrt(na * nb);
}

function ortFeeds(ids) {
  const [B, S] = [ids.length, ids[0].length];
  const t = (data) => new ort.Tensor('int64', data, [B, S]);
  return { input_ids: t(BigInt64Array.from(ids.flat(), BigInt)),
           attention_mask: t(new BigInt64Array(B * S).fill(1n)),
           token_type_ids: t(new BigInt64Array(B * S)) };
}

window.bench = {
  threads: THREADS,
  async loadPf(id, { dir, dtype }) {
    const files = {};
    for (const f of ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json']) {
      files[f] = await bytes(`${dir}/${f}`);
    }
    const t0 = performance.now();
    const fe = await pipeline('feature-extraction', files, { dtype });
    pf.set(id, fe);
    const { variant, threads, worker, relaxedSimd, crossOriginIsolated, version } = fe.info;
    return { loadMs: performance.now() - t0, variant, threads, worker, relaxedSimd, crossOriginIsolated, version };
  },
  async loadOrt(id, { url }) {
    const model = await bytes(url);
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'],
                                                                graphOptimizationLevel: 'all' });
    sessions.set(id, session);
    return { loadMs: performance.now() - t0, version: ort.env.versions?.web ?? '?',
             threads: ort.env.wasm.numThreads, crossOriginIsolated: self.crossOriginIsolated };
  },
  async unload() {
    for (const fe of pf.values()) await fe.dispose();
    for (const s of sessions.values()) await s.release();
    pf.clear();
    sessions.clear();
  },

  // `batch` texts of single-token words (vocab.txt's plain words), seq - 2
  // each, so [CLS] ... [SEP] is exactly `seq` ids with no padding; the ids are
  // pocketformer's tokenization of them, which ORT then gets.
  async makeInputs(pfId, { dir, batch, seq }) {
    const key = `${batch}x${seq}`;
    if (inputs.has(key)) return key;
    const words = new TextDecoder().decode(await bytes(`${dir}/vocab.txt`)).split('\n')
      .filter((w) => /^[a-z]{2,}$/.test(w)).slice(0, 500);
    let s = 12345 + seq;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) % words.length;
    const texts = Array.from({ length: batch }, () => Array.from({ length: seq - 2 }, () => words[next()]).join(' '));
    const ids = [];
    for (const t of texts) {
      const row = await pf.get(pfId).tokenizer.encode(t);
      if (row.length !== seq) throw new Error(`text tokenized to ${row.length} ids, wanted ${seq}`);
      ids.push(Array.from(row, Number));
    }
    inputs.set(key, { texts, ids });
    return key;
  },

  // `runs` timed calls after `warmups`; returns each call's ms.
  // pocketformer: texts in (the worker tokenizes: the texts are pre-split
  // single-token words), hidden states [B,S,H] out on this page.
  // ORT: int64 ids/mask/type tensors built here, session.run, hidden states out.
  async time(runtime, id, key, { warmups, runs }) {
    const { texts, ids } = inputs.get(key);
    const once = runtime === 'pf'
      ? () => pf.get(id)(texts, { pooling: 'none' })
      : () => sessions.get(id).run(ortFeeds(ids));
    for (let i = 0; i < warmups; ++i) await once();
    const ms = [];
    for (let i = 0; i < runs; ++i) {
      const t0 = performance.now();
      await once();
      ms.push(performance.now() - t0);
    }
    await pause(200); // let either runtime's idle threads stop spinning before the other one runs
    return ms;
  },

  // Cosine of the two runtimes' hidden states (whole [B,S,H] tensors) for
  // the same ids; the ORT f32 output of a model+shape is kept as the baseline
  // later dtypes are also compared with.
  async compare(model, pfId, ortId, key, dtype) {
    const { texts, ids } = inputs.get(key);
    const a = (await pf.get(pfId)(texts, { pooling: 'none' })).data;
    const out = { pfVsOrtF32: null, pfVsOrt: null, ortVsOrtF32: null };
    let b = null;
    if (ortId) {
      b = (await sessions.get(ortId).run(ortFeeds(ids))).last_hidden_state.data;
      out.pfVsOrt = cosine(a, b);
      if (dtype === 'f32') references.set(`${model} ${key}`, b.slice());
    }
    const ref = references.get(`${model} ${key}`);
    if (ref) {
      out.pfVsOrtF32 = cosine(a, ref);
      if (b) out.ortVsOrtF32 = cosine(b, ref);
    }
    return out;
  },
  shutdown,
};
window.benchReady = true;
