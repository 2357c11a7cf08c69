// pocketformer: small transformer models in the browser (and Node) with
// WebAssembly SIMD + threads. The API follows Transformers.js:
//
//   import { pipeline, env } from 'pocketformer';
//   const extractor = await pipeline('feature-extraction', 'org/model');
//   const out = await extractor(['a sentence', 'another'], { pooling: 'mean', normalize: true });
//   out.dims; out.data; out.tolist();
//   await extractor.dispose();
import { PocketformerError } from './errors.js';
import { LocalEngine, WorkerEngine } from './engine.js';
import {
  IS_NODE,
  loadModelFiles,
  makeEmitter,
  resolveModelSource,
  throwIfAborted,
} from './files.js';

export { PocketformerError };

const HAS_WORKER = typeof Worker === 'function' && !IS_NODE;

async function hardwareThreads() {
  if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) {
    return navigator.hardwareConcurrency;
  }
  if (IS_NODE) {
    try {
      const os = await import('node:os');
      return typeof os.availableParallelism === 'function'
        ? os.availableParallelism()
        : os.cpus().length;
    } catch {
      return 1;
    }
  }
  return 1;
}

/**
 * Settings read when a pipeline is created. Change them before calling
 * pipeline(); pipelines already made keep the runtime they started with.
 */
export const env = {
  /** Folder with the pocketformer-*.mjs/.wasm builds. */
  wasmBaseUrl: new URL('../../dist/', import.meta.url),
  /** Threads to compute with (caller included); capped by the build and the page. */
  numThreads: Math.max(1, Math.min(4, await hardwareThreads())),
  /** Run the model in a module Worker (browsers). Node always runs in-thread for now. */
  useWorker: HAS_WORKER,
  /** Allow Hugging Face repo ids ('org/name'), resolved with remoteHost + remotePathTemplate. */
  allowRemoteModels: true,
  remoteHost: 'https://huggingface.co',
  remotePathTemplate: '{model}/resolve/{revision}/',
  /** Keep files of remote models in the Cache API (browsers). */
  useBrowserCache: typeof caches !== 'undefined' && !IS_NODE,
  /** 'auto', or force one build: 'simd-mt', 'simd-st', 'relaxed-mt'. */
  wasmVariant: 'auto',
};

const TASK_ALIASES = {
  'feature-extraction': 'feature-extraction',
  embeddings: 'feature-extraction',
};
// Weight precision chosen at load; the runtime quantizes f32/f16/bf16 weights
// itself (int8 per channel, or 4-bit per channel), activations stay dynamic.
const DTYPE_NAMES = new Map([
  ['f32', 'f32'], ['fp32', 'f32'], ['float32', 'f32'],
  ['int8', 'int8'], ['q8', 'int8'],
  ['q4', 'q4'], ['int4', 'q4'],
]);
const POOLINGS = new Set(['mean', 'cls', 'none']);

/** @type {Map<string, LocalEngine|WorkerEngine>} */
const engines = new Map();

function currentEngine() {
  const useWorker = !!env.useWorker && HAS_WORKER;
  const settings = {
    wasmBaseUrl: new URL(String(env.wasmBaseUrl), baseHref()).href,
    numThreads: Math.max(1, Math.floor(Number(env.numThreads) || 1)),
    wasmVariant: env.wasmVariant || 'auto',
  };
  const key = JSON.stringify([useWorker, settings]);
  let engine = engines.get(key);
  if (!engine) {
    engine = useWorker ? new WorkerEngine(settings) : new LocalEngine(settings);
    engines.set(key, engine);
  }
  return engine;
}

function baseHref() {
  if (typeof document !== 'undefined' && document.baseURI) return document.baseURI;
  if (typeof location !== 'undefined' && location.href) return location.href;
  return undefined;
}

/**
 * Frees every model and stops every runtime this package started (wasm
 * threads, workers). Pipelines made before become unusable; a later
 * pipeline() starts afresh. In Node this lets the process exit.
 */
export function shutdown() {
  for (const engine of engines.values()) engine.close();
  engines.clear();
}

function rejectOnAbort(promise, signal) {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      try {
        throwIfAborted(signal);
      } catch (e) {
        reject(e);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** An n-dimensional float32 result, shaped like a Transformers.js Tensor. */
export class Tensor {
  /**
   * @param {Float32Array} data
   * @param {number[]} dims
   */
  constructor(data, dims) {
    this.type = 'float32';
    this.data = data;
    this.dims = dims;
  }

  get size() {
    return this.data.length;
  }

  /** Nested plain arrays following dims. */
  tolist() {
    const { data, dims } = this;
    const build = (axis, offset) => {
      if (axis === dims.length) return data[offset];
      let stride = 1;
      for (let i = axis + 1; i < dims.length; i++) stride *= dims[i];
      const out = new Array(dims[axis]);
      for (let i = 0; i < dims[axis]; i++) out[i] = build(axis + 1, offset + i * stride);
      return out;
    };
    if (dims.length === 0) return [];
    return build(0, 0);
  }
}

/**
 * The callable returned by pipeline('feature-extraction', ...).
 * extractor(texts, {pooling, normalize, signal}) -> Promise<Tensor>
 */
class FeatureExtractionPipeline {
  constructor(state) {
    const self = /** @type {any} */ ((input, options) => self._call(input, options));
    Object.setPrototypeOf(self, new.target.prototype);
    self.task = 'feature-extraction';
    self.model = state.model;
    self.info = state.info;
    self._engine = state.engine;
    self._handle = state.handle;
    self._signal = state.signal || null;
    self._tail = Promise.resolve();
    /** @type {Set<{reject: Function, settled: boolean}>} */
    self._waiting = new Set();
    self._disposed = false;
    self._abortedBy = null;
    self.tokenizer = {
      /** @param {string} text @returns {Promise<number[]>} ids, [CLS] ... [SEP] */
      encode: (text) =>
        self._enqueue(async () => Array.from(await self._engine.tokenize(self._handle, text))),
    };
    if (self._signal) {
      const onAbort = () => self._abortAll(self._signal);
      self._signal.addEventListener('abort', onAbort, { once: true });
      self._removeAbort = () => self._signal.removeEventListener('abort', onAbort);
    }
    return self;
  }

  _check(signal) {
    if (this._disposed) {
      throw new PocketformerError('DISPOSED', 'this pipeline was disposed');
    }
    throwIfAborted(this._signal);
    throwIfAborted(signal);
  }

  _abortAll(signal) {
    let error;
    try {
      throwIfAborted(signal);
    } catch (e) {
      error = e;
    }
    for (const entry of this._waiting) {
      if (!entry.settled) {
        entry.settled = true;
        entry.reject(error);
      }
    }
    this._waiting.clear();
  }

  // Runs `task` after every earlier request of this pipeline. Requests still
  // waiting when the signal aborts (or dispose() is called) are rejected.
  _enqueue(task, signal) {
    this._check(signal);
    return new Promise((resolve, reject) => {
      const entry = { reject, settled: false };
      this._waiting.add(entry);
      const onAbort = () => {
        if (entry.settled) return;
        entry.settled = true;
        this._waiting.delete(entry);
        try {
          throwIfAborted(signal);
        } catch (e) {
          reject(e);
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this._tail = this._tail.then(async () => {
        if (entry.settled) return;
        try {
          const value = await task();
          if (!entry.settled) resolve(value);
        } catch (e) {
          if (!entry.settled) reject(e);
        } finally {
          entry.settled = true;
          this._waiting.delete(entry);
          signal?.removeEventListener('abort', onAbort);
        }
      });
    });
  }

  /**
   * @param {string|string[]} input
   * @param {{pooling?: 'none'|'mean'|'cls', normalize?: boolean, signal?: AbortSignal}} [options]
   */
  _call(input, options = {}) {
    const pooling = options.pooling ?? 'none';
    const normalize = !!options.normalize;
    const signal = options.signal;
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      return Promise.reject(
        new PocketformerError('INVALID_ARGUMENT', 'input must be a string or an array of strings'),
      );
    }
    if (!POOLINGS.has(pooling)) {
      return Promise.reject(
        new PocketformerError(
          'INVALID_ARGUMENT',
          `pooling must be 'mean', 'cls' or 'none' (got ${JSON.stringify(pooling)})`,
        ),
      );
    }
    try {
      return this._enqueue(async () => {
        const out = await this._engine.run(this._handle, texts.slice(), pooling, normalize);
        return new Tensor(out.data, out.dims);
      }, signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Frees the model. Waiting requests are rejected; the one running finishes first. */
  async dispose() {
    if (this._disposed) return;
    this._disposed = true;
    this._removeAbort?.();
    const err = new PocketformerError('DISPOSED', 'this pipeline was disposed');
    for (const entry of this._waiting) {
      if (!entry.settled) {
        entry.settled = true;
        entry.reject(err);
      }
    }
    this._waiting.clear();
    await this._tail.catch(() => {});
    try {
      await this._engine.dispose(this._handle);
    } catch {
      // the runtime is gone already
    }
  }
}

/**
 * Creates a pipeline. Only 'feature-extraction' (alias 'embeddings') exists.
 * @param {string} task
 * @param {string|URL|Record<string, ArrayBuffer|Uint8Array|Blob|string>} model
 * @param {{progress_callback?: (event: object) => void, signal?: AbortSignal,
 *   revision?: string, dtype?: string}} [options]
 */
export async function pipeline(task, model, options = {}) {
  const started = now();
  const resolvedTask = TASK_ALIASES[/** @type {keyof typeof TASK_ALIASES} */ (task)];
  if (!resolvedTask) {
    throw new PocketformerError(
      'UNSUPPORTED_TASK',
      `task '${task}' is not supported (supported: ${Object.keys(TASK_ALIASES).join(', ')})`,
    );
  }
  options = options || {};
  const { signal, revision = 'main' } = options;
  const dtype = options.dtype === undefined || options.dtype === null ? 'f32' : DTYPE_NAMES.get(options.dtype);
  if (!dtype) {
    throw new PocketformerError(
      'UNSUPPORTED',
      `dtype '${options.dtype}' is not supported (supported: ${[...DTYPE_NAMES.keys()].join(', ')})`,
    );
  }
  throwIfAborted(signal);
  const name = typeof model === 'string' ? model : model instanceof URL ? model.href : 'files';
  const emit = makeEmitter(options.progress_callback, name);

  const source = await resolveModelSource(model, { env, revision });
  const engine = currentEngine();
  // Start the runtime while the files download.
  const initPromise = engine.init();
  initPromise.catch(() => {});
  const files = await loadModelFiles(source, { env, emit, signal });
  const downloaded = now();
  const runtime = await rejectOnAbort(initPromise, signal);
  const loadPromise = engine.load(
    { config: files.config, weights: files.weights, vocab: files.vocab, dtype },
    { transfer: files.owned },
  );
  let loaded;
  try {
    loaded = await rejectOnAbort(loadPromise, signal);
  } catch (e) {
    // Aborted while the runtime was still loading: free the model once it lands.
    if (signal?.aborted) loadPromise.then((l) => engine.dispose(l.handle)).catch(() => {});
    throw e;
  }
  if (signal?.aborted) {
    await engine.dispose(loaded.handle).catch(() => {});
    throwIfAborted(signal);
  }
  const ready = now();
  emit({ status: 'ready', task: resolvedTask, model: name });
  return /** @type {any} */ (
    new FeatureExtractionPipeline({
      model: name,
      engine,
      handle: loaded.handle,
      signal,
      info: {
        ...runtime,
        task: resolvedTask,
        source: files.where,
        files: files.sizes,
        hiddenSize: loaded.hiddenSize,
        maxLength: loaded.maxLength,
        downloadMs: downloaded - started,
        loadMs: ready - started,
      },
    })
  );
}

function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
