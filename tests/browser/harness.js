// Page-side helpers for the Playwright specs. Imports the package exactly as
// a user would and exposes small async functions on window.harness; the
// comparisons happen here so only numbers cross back to the test.
import { pipeline, env, PocketformerError } from '../../web/src/index.js';

const log = (line) => {
  document.getElementById('log').textContent += line + '\n';
};

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

function errorRecord(e) {
  return {
    isError: e instanceof Error,
    isPocketformerError: e instanceof PocketformerError,
    code: e && e.code,
    message: e && e.message,
  };
}

async function fetchJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

const models = new Map();

window.harness = {
  env,

  crossOriginIsolated: () => globalThis.crossOriginIsolated === true,

  configure(settings) {
    Object.assign(env, settings);
    return { ...env, wasmBaseUrl: String(env.wasmBaseUrl) };
  },

  /** Loads a model; returns its runtime info and the progress events seen. */
  async load(name, modelUrl) {
    const events = [];
    const started = performance.now();
    const fe = await pipeline('feature-extraction', modelUrl, {
      progress_callback: (e) => events.push(e),
    });
    models.set(name, fe);
    log(`loaded ${modelUrl} in ${(performance.now() - started).toFixed(0)} ms: ${JSON.stringify(fe.info)}`);
    return { info: fe.info, events };
  },

  /** Loads a model that should fail; returns the error (never throws). */
  async loadExpectingError(modelUrl) {
    try {
      const fe = await pipeline('feature-extraction', modelUrl);
      await fe.dispose();
      return { loaded: true };
    } catch (e) {
      return errorRecord(e);
    }
  },

  /** Every reference case: mean+normalized (one batch), token states, ids. */
  async checkReference(name, referenceUrl) {
    const fe = models.get(name);
    const ref = await fetchJson(referenceUrl);
    const h = ref.model.hidden_size;
    const texts = ref.cases.map((c) => c.text);
    const pooled = await fe(texts, { pooling: 'mean', normalize: true });
    const perCase = [];
    let maxMean = 0;
    let maxHidden = 0;
    let idsEqual = true;
    for (let i = 0; i < ref.cases.length; i++) {
      const c = ref.cases[i];
      const mean = maxAbsDiff(pooled.data.subarray(i * h, (i + 1) * h), c.mean_pooled_normalized);
      const tokens = await fe(c.text, { pooling: 'none' });
      const hidden = maxAbsDiff(tokens.data, c.last_hidden_state);
      const dimsOk = JSON.stringify(tokens.dims) === JSON.stringify([1, ...c.shape]);
      const ids = await fe.tokenizer.encode(c.text);
      const idsOk = JSON.stringify(ids) === JSON.stringify(c.input_ids);
      idsEqual &&= idsOk;
      maxMean = Math.max(maxMean, mean);
      maxHidden = Math.max(maxHidden, hidden);
      perCase.push({ text: c.text.slice(0, 30), mean, hidden, dimsOk, idsOk });
    }
    const batch = await fe(ref.batch.texts, { pooling: 'mean', normalize: true });
    let maxBatch = 0;
    ref.batch.mean_pooled_normalized.forEach((row, i) => {
      maxBatch = Math.max(maxBatch, maxAbsDiff(batch.data.subarray(i * h, (i + 1) * h), row));
    });
    const sim = await fe([ref.similarity.a, ref.similarity.b], { pooling: 'mean', normalize: true });
    let cosine = 0;
    for (let j = 0; j < h; j++) cosine += sim.data[j] * sim.data[h + j];
    return {
      cases: ref.cases.length,
      pooledDims: pooled.dims,
      maxMean,
      maxHidden,
      maxBatch,
      idsEqual,
      cosine,
      referenceCosine: ref.similarity.cosine,
      perCase,
    };
  },

  /** One embedding compared to one reference case (quick health check). */
  async quickCheck(name, referenceUrl, index = 0) {
    const fe = models.get(name);
    const ref = await fetchJson(referenceUrl);
    const c = ref.cases[index];
    const out = await fe(c.text, { pooling: 'mean', normalize: true });
    return maxAbsDiff(out.data, c.mean_pooled_normalized);
  },

  /** Runs that are still waiting when the signal aborts reject with ABORTED. */
  async abortQueued(modelUrl) {
    const controller = new AbortController();
    const fe = await pipeline('feature-extraction', modelUrl, { signal: controller.signal });
    const long = 'the quick brown fox jumps over the lazy dog '.repeat(12);
    const runs = [fe(long), fe(long), fe(long), fe(long)];
    controller.abort();
    const settled = await Promise.allSettled(runs);
    const after = await fe('x').then(
      () => 'resolved',
      (e) => e.code,
    );
    await fe.dispose();
    return { codes: settled.map((r) => (r.status === 'rejected' ? r.reason.code : 'resolved')), after };
  },

  /** pipeline() with some task; returns the error record or null. */
  async tryTask(task) {
    try {
      const fe = await pipeline(task, '/build/testdata/tiny-bert/');
      await fe.dispose();
      return null;
    } catch (e) {
      return e.code;
    }
  },

  /**
   * `cycles` times: load the model from bytes fetched once, embed one text,
   * dispose. Returns the runtime's heap numbers after chosen cycles and the
   * worst difference from the reference, so the test can see both a leak and
   * a wrong result.
   */
  async soak(modelUrl, referenceUrl, cycles, checkpoints) {
    const files = {};
    for (const name of ['config.json', 'model.safetensors', 'vocab.txt']) {
      const res = await fetch(modelUrl + name);
      if (!res.ok) throw new Error(`${modelUrl}${name}: HTTP ${res.status}`);
      files[name] = new Uint8Array(await res.arrayBuffer());
    }
    const c = (await fetchJson(referenceUrl)).cases[0];
    // A pipeline kept open for the whole run holds the worker (and its
    // stats) alive between the cycles' dispose and the next load.
    const keeper = await pipeline('feature-extraction', files);
    const samples = [];
    let worst = 0;
    const started = performance.now();
    for (let i = 1; i <= cycles; i++) {
      const fe = await pipeline('feature-extraction', files);
      const out = await fe(c.text, { pooling: 'mean', normalize: true });
      worst = Math.max(worst, maxAbsDiff(out.data, c.mean_pooled_normalized));
      await fe.dispose();
      if (checkpoints.includes(i)) samples.push({ cycle: i, ...(await keeper.runtimeStats()) });
    }
    const ms = performance.now() - started;
    await keeper.dispose();
    return { samples, worst, msPerCycle: ms / cycles };
  },

  async dispose(name) {
    await models.get(name)?.dispose();
    models.delete(name);
  },
};

window.harnessReady = true;
log('harness ready');
