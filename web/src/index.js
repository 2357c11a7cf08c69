// pocketformer: small transformer models in the browser (and Node) with
// WebAssembly SIMD + threads. The API follows Transformers.js:
//
//   import { pipeline, env } from 'pocketformer';
//   const extractor = await pipeline('feature-extraction', 'org/model');
//   const out = await extractor(['a sentence', 'another'], { pooling: 'mean', normalize: true });
//   out.dims; out.data; out.tolist();
//   await extractor.dispose();
import { importNode } from './node.js';
import { PocketformerError } from './errors.js';
import { LocalEngine, WorkerEngine } from './engine.js';
import { FeatureExtractionPipeline } from './pipelines/feature-extraction.js';
import { TextGenerationPipeline } from './pipelines/text-generation.js';
import {
  TEXT_GENERATION_FILES,
  TEXT_GENERATION_LAYOUTS,
  pickLayout,
} from './adapters/text-generation.js';
import { FillMaskPipeline } from './pipelines/fill-mask.js';
import { QuestionAnsweringPipeline } from './pipelines/question-answering.js';
import { TextClassificationPipeline } from './pipelines/text-classification.js';
import { TokenClassificationPipeline } from './pipelines/token-classification.js';
import { ZeroShotClassificationPipeline } from './pipelines/zero-shot-classification.js';
import { Tensor } from './tensor.js';
import { chatTemplateOf } from './chat-template.js';
import { PreTrainedTokenizer } from './tokenizer.js';
import { TOKENIZER_FILES } from './adapters/tokenizer.js';
import { CONVERT_OPTIONAL, CONVERT_REQUIRED } from './adapters/convert.js';
import {
  ENCODER_FILES,
  SENTENCE_TRANSFORMERS_FILES,
  checkEncoderFiles,
  encoderShardNames,
  sentenceTransformersDefaults,
} from './encoder-files.js';
import {
  IS_NODE,
  baseHref,
  loadModelFiles,
  makeEmitter,
  resolveModelSource,
  throwIfAborted,
} from './files.js';

export { PocketformerError, PreTrainedTokenizer, Tensor };

// Browsers: a module Worker; Node: worker_threads.
const HAS_WORKER = IS_NODE || typeof Worker === 'function';

async function hardwareThreads() {
  if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) {
    return navigator.hardwareConcurrency;
  }
  if (IS_NODE) {
    try {
      const os = await importNode('node:os');
      return typeof os.availableParallelism === 'function'
        ? os.availableParallelism()
        : os.cpus().length;
    } catch {
      return 1;
    }
  }
  return 1;
}

/** Node: $XDG_CACHE_HOME/pocketformer or ~/.cache/pocketformer (null elsewhere). */
async function defaultCacheDir() {
  if (!IS_NODE) return null;
  try {
    const os = await importNode('node:os');
    const path = await importNode('node:path');
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    return path.join(base, 'pocketformer');
  } catch {
    return null;
  }
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
  /** Run models in a Worker (a module Worker in browsers, worker_threads in Node). */
  useWorker: HAS_WORKER,
  /** Allow Hugging Face repo ids ('org/name'), resolved with remoteHost + remotePathTemplate. */
  allowRemoteModels: true,
  remoteHost: 'https://huggingface.co',
  remotePathTemplate: '{model}/resolve/{revision}/',
  /** Look for repo ids under localModelPath first ('{localModelPath}/{id}/'), file by file. */
  allowLocalModels: true,
  /** A folder URL (browsers) or directory (Node) of local model copies; null = none. */
  localModelPath: null,
  /** Keep files of remote models in the Cache API (browsers). */
  useBrowserCache: typeof caches !== 'undefined' && !IS_NODE,
  /** Browsers: keep them in the Origin Private File System instead of the Cache API. */
  useOPFS: false,
  /** Node: keep files of remote models in cacheDir. */
  useFSCache: IS_NODE,
  cacheDir: await defaultCacheDir(),
  /** 'auto', or force one build: 'simd-mt', 'simd-st', 'relaxed-mt'. */
  wasmVariant: 'auto',
};

// Task -> the files it needs, the runtime adapter that loads them, and the
// pipeline class users get.
const TASKS = {
  'feature-extraction': {
    adapter: 'feature-extraction',
    required: ENCODER_FILES.required,
    optional: [...ENCODER_FILES.optional, ...SENTENCE_TRANSFORMERS_FILES],
    check: checkEncoderFiles,
    moreFiles: encoderShardNames,
    pageState: sentenceTransformersDefaults,
    Pipeline: FeatureExtractionPipeline,
  },
  // Several layouts: fetch what exists, then check one is complete.
  'text-generation': {
    adapter: 'text-generation',
    required: [],
    optional: TEXT_GENERATION_FILES,
    check(files, where) {
      if (!pickLayout(files)) {
        throw new PocketformerError(
          'MODEL_NOT_FOUND',
          `no text-generation model at ${where}: it needs ` +
            TEXT_GENERATION_LAYOUTS.map((l) => `${l.required.join(' + ')} (${l.name})`).join(' or '),
        );
      }
    },
    pageState: chatTemplateOf,
    Pipeline: TextGenerationPipeline,
  },
  ...Object.fromEntries(
    /** @type {[string, any][]} */ ([
      ['text-classification', TextClassificationPipeline],
      ['token-classification', TokenClassificationPipeline],
      ['question-answering', QuestionAnsweringPipeline],
      ['fill-mask', FillMaskPipeline],
      ['zero-shot-classification', ZeroShotClassificationPipeline],
    ]).map(([task, Pipeline]) => [task, {
      adapter: task,
      ...ENCODER_FILES,
      check: checkEncoderFiles,
      moreFiles: encoderShardNames,
      Pipeline,
    }]),
  ),
};

const TASK_ALIASES = {
  'feature-extraction': 'feature-extraction',
  embeddings: 'feature-extraction',
  'text-generation': 'text-generation',
  'text-classification': 'text-classification',
  'sentiment-analysis': 'text-classification',
  'token-classification': 'token-classification',
  ner: 'token-classification',
  'question-answering': 'question-answering',
  'fill-mask': 'fill-mask',
  'zero-shot-classification': 'zero-shot-classification',
};
// Weight precision chosen at load; the runtime quantizes f32/f16/bf16 weights
// itself (int8 per channel, or 4-bit per channel), activations stay dynamic.
const DTYPE_NAMES = new Map([
  ['f32', 'f32'], ['fp32', 'f32'], ['float32', 'f32'],
  ['int8', 'int8'], ['q8', 'int8'],
  ['q4', 'q4'], ['int4', 'q4'],
]);

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

let singleThreadNoted = false;

/**
 * A page without cross-origin isolation gets no SharedArrayBuffer, so the
 * runtime falls back to one thread. Say so once per page (not per pipeline)
 * with what fixes it; pipeline.info.threads says it too.
 */
function noteSingleThreaded(runtime) {
  if (singleThreadNoted || IS_NODE || runtime.crossOriginIsolated !== false) return;
  if (runtime.threads > 1 || !(Number(env.numThreads) > 1)) return;
  singleThreadNoted = true;
  if (typeof console === 'undefined') return;
  console.info(
    '[pocketformer] running single-threaded: this page is not cross-origin isolated, so ' +
      'WebAssembly threads are unavailable. Serve it with "Cross-Origin-Opener-Policy: same-origin" ' +
      'and "Cross-Origin-Embedder-Policy: require-corp" to use ' + env.numThreads + ' threads.',
  );
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

/**
 * Creates a pipeline: 'feature-extraction' ('embeddings'), 'text-classification'
 * ('sentiment-analysis'), 'token-classification' ('ner'), 'question-answering', 'fill-mask',
 * 'zero-shot-classification', 'text-generation'.
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
  const spec = TASKS[resolvedTask];
  const { engine, handle, files, pageState, runtime, info, name, emit, downloaded, ready } = await loadIntoRuntime(
    spec, model, options, revision, signal,
    // dtype left out when not asked for: a GGUF then keeps its own precision.
    {
      dtype: options.dtype == null ? undefined : dtype,
      maxContext: options.max_context,
      kvCacheDtype: options.kv_cache_dtype,
    },
  );
  emit({ status: 'ready', task: resolvedTask, model: name });
  return /** @type {any} */ (
    new spec.Pipeline({
      task: resolvedTask,
      model: name,
      engine,
      handle,
      signal,
      ...pageState,
      info: {
        ...runtime,
        task: resolvedTask,
        source: files.where,
        files: files.sizes,
        ...info,
        downloadMs: downloaded - started,
        loadMs: ready - started,
      },
    })
  );
}

// What pipeline() and AutoTokenizer share: resolve the model, start the
// runtime while its files download (progress events, cache, abort), then load
// them with the runtime adapter spec.adapter. Aborting at any point frees
// what was loaded. spec.pageState(files) is what stays on the page side.
async function loadIntoRuntime(spec, model, options, revision, signal, adapterOptions) {
  throwIfAborted(signal);
  const name = typeof model === 'string' ? model : model instanceof URL ? model.href : 'files';
  const emit = makeEmitter(options.progress_callback, name);
  const source = await resolveModelSource(model, { env, revision });
  const engine = currentEngine();
  const initPromise = engine.init();
  initPromise.catch(() => {});
  // A GGUF carries config, weights and tokenizer: it is the only file.
  const gguf = !!source.single || (source.kind === 'files' && !!source.files['model.gguf']);
  const wanted = spec.filesFor ? spec.filesFor(source) : spec;
  const files = await loadModelFiles(source, {
    env, emit, signal,
    required: gguf ? [] : wanted.required,
    optional: gguf ? ['model.gguf'] : wanted.optional,
  });
  spec.check?.(files.files, files.where);
  // Files named by the first round's files (a sharded checkpoint's shards).
  const more = spec.moreFiles ? spec.moreFiles(files.files) : [];
  if (more.length) {
    const extra = await loadModelFiles(source, { env, emit, signal, required: more });
    Object.assign(files.files, extra.files);
    Object.assign(files.sizes, extra.sizes);
    files.owned = files.owned && extra.owned;
  }
  const pageState = spec.pageState ? spec.pageState(files.files) : {};
  const downloaded = now();
  const runtime = await rejectOnAbort(initPromise, signal);
  noteSingleThreaded(runtime);
  const loadPromise = engine.load(spec.adapter, files.files, adapterOptions, { transfer: files.owned });
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
  return {
    engine, handle: loaded.handle, info: loaded.info, files, pageState, runtime, name, emit, downloaded, ready: now(),
  };
}

const TOKENIZER_SPEC = {
  adapter: 'tokenizer',
  required: [],
  optional: TOKENIZER_FILES,
  check(files, where) {
    if (!files['tokenizer.json'] && !files['vocab.txt']) {
      throw new PocketformerError('MODEL_NOT_FOUND', `no tokenizer at ${where}: it needs tokenizer.json or vocab.txt`);
    }
  },
  pageState: chatTemplateOf,
};

/**
 * Tokenizers loaded the Transformers.js way: from a Hugging Face repo id, a
 * folder URL, a local folder (Node) or a map of file names to bytes; reads
 * tokenizer.json (+ tokenizer_config.json), or vocab.txt when there is no
 * tokenizer.json. Runs where the pipelines run (the worker by default).
 */
export const AutoTokenizer = {
  /**
   * @param {string|URL|Record<string, ArrayBuffer|Uint8Array|Blob|string>} model
   * @param {{progress_callback?: (event: object) => void, signal?: AbortSignal, revision?: string}} [options]
   * @returns {Promise<PreTrainedTokenizer>}
   */
  async from_pretrained(model, options = {}) {
    options = options || {};
    const { signal, revision = 'main' } = options;
    const started = now();
    const { engine, handle, files, pageState, runtime, info, name, emit, ready } = await loadIntoRuntime(
      TOKENIZER_SPEC, model, options, revision, signal, {},
    );
    emit({ status: 'ready', task: 'tokenizer', model: name });
    return /** @type {any} */ (new PreTrainedTokenizer({
      model: name,
      engine,
      handle,
      signal,
      ...pageState,
      info: { ...runtime, ...info, source: files.where, files: files.sizes, loadMs: ready - started },
    }));
  },
};

const CONVERT_SPEC = {
  adapter: 'convert',
  filesFor(source) {
    if (source.single || (source.kind === 'files' && source.files['model.gguf'])) {
      throw new PocketformerError('INVALID_ARGUMENT', 'convertToGguf: the model is a GGUF already');
    }
    // A files object without config.json: a llama2.c checkpoint + tokenizer .bin pair.
    if (source.kind === 'files' && !source.files['config.json']) {
      return { required: [], optional: Object.keys(source.files) };
    }
    return { required: CONVERT_REQUIRED, optional: CONVERT_OPTIONAL };
  },
};

/**
 * Converts a model to one GGUF file in the runtime (the worker by default) —
 * the code of the `pocketformer convert` CLI — and measures what it cost: the
 * report compares the converted model with the original on held-out texts
 * (encoders: hidden-state cosine and head argmax agreement; decoders: logit
 * cosine, next-token agreement, perplexity), with sizes and speed.
 * @param {string|URL|Record<string, ArrayBuffer|Uint8Array|Blob|string>} model
 *   an HF folder (BERT / DistilBERT, Llama / Qwen2) as for pipeline(), or
 *   {'model.bin': ..., 'tokenizer.bin': ...} for a llama2.c checkpoint
 * @param {{dtype?: 'f32'|'f16'|'q8'|'q4', keep_f16?: string[], samples?: string[],
 *   progress_callback?: (event: object) => void, signal?: AbortSignal, revision?: string}} [options]
 * @returns {Promise<{gguf: Uint8Array, report: object, table: string}>}
 */
export async function convertToGguf(model, options = {}) {
  options = options || {};
  const { signal, revision = 'main' } = options;
  const { engine, handle, name, emit } = await loadIntoRuntime(CONVERT_SPEC, model, options, revision, signal, {
    dtype: options.dtype, keepF16: options.keep_f16, samples: options.samples,
  });
  try {
    const result = await engine.call(handle, 'result', {}, { signal });
    emit({ status: 'ready', task: 'convert', model: name });
    return result;
  } finally {
    await engine.dispose(handle).catch(() => {});
  }
}

function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
