// Page side of `npm run bench:generate`: holds pocketformer workers
// (pf-generate-worker.mjs) and wllama instances, each loaded once, so the
// spec can interleave their measurements. Exposed as window.bench.
import { Wllama } from '/node_modules/@wllama/wllama/esm/index.js';

const pf = new Map();
const wllamas = new Map();

function call(worker, message) {
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.ok ? resolve(data.result) : reject(new Error(data.error)));
    worker.onerror = (e) => reject(new Error(e.message || 'worker error'));
    worker.postMessage(message);
  });
}

window.bench = {
  async loadPf(id, options) {
    const worker = new Worker(new URL('./pf-generate-worker.mjs', import.meta.url), { type: 'module' });
    pf.set(id, worker);
    return call(worker, { load: options });
  },
  measurePf(id, args) {
    return call(pf.get(id), { measure: args });
  },
  async unloadPf(id) {
    pf.get(id).terminate();
    pf.delete(id);
  },

  // One wllama instance per thread count: its thread count is fixed at load.
  async loadWllama(id, { url, threads }) {
    const wllama = new Wllama({ default: '/node_modules/@wllama/wllama/esm/wasm/wllama.wasm' },
                              { suppressNativeLog: true });
    const blob = await (await fetch(url)).blob();
    const t0 = performance.now();
    await wllama.loadModel([blob], { n_threads: threads, n_ctx: 512, n_gpu_layers: 0, seed: 1 });
    wllamas.set(id, wllama);
    return { loadMs: performance.now() - t0, threads: wllama.getNumThreads(),
             multithread: wllama.isMultithread(), fileBytes: blob.size,
             version: Wllama.getLibllamaVersion ? Wllama.getLibllamaVersion() : '?' };
  },
  // llama.cpp's own timings: prompt_ms for the prompt, predicted_ms for the
  // generated tokens; EOS ignored and the prompt cache off so each call does
  // the same work.
  // wllama 3.x's worker glue only carries string prompts (a token-id array
  // fails with "Invalid typed array length"), so wllama gets promptText:
  // ASCII letters that our synthetic vocab has no merges for, so each is one
  // byte-fallback token; its prompt_n is what the table reports.
  async measureWllama(id, { promptText, decodeTokens }) {
    const t0 = performance.now();
    const r = await wllamas.get(id).createCompletion({
      prompt: promptText, max_tokens: decodeTokens, ignore_eos: true, temperature: 0,
      cache_prompt: false, stream: false,
    });
    const t = r.timings;
    return { promptTokens: t.prompt_n, cached: t.cache_n, prefillMs: t.prompt_ms,
             decodeTokens: t.predicted_n, decodeMs: t.predicted_ms, wallMs: performance.now() - t0 };
  },
  async unloadWllama(id) {
    await wllamas.get(id).exit();
    wllamas.delete(id);
  },
};
window.benchReady = true;
