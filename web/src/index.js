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
import {
  IS_NODE,
  loadModelFiles,
  makeEmitter,
  resolveModelSource,
  throwIfAborted,
} from './files.js';

export { PocketformerError, Tensor };

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
  /** Keep files of remote models in the Cache API (browsers). */
  useBrowserCache: typeof caches !== 'undefined' && !IS_NODE,
  /** 'auto', or force one build: 'simd-mt', 'simd-st', 'relaxed-mt'. */
  wasmVariant: 'auto',
};

// Task -> the files it needs, the runtime adapter that loads them, and the
// pipeline class users get.
const TASKS = {
  'feature-extraction': {
    adapter: 'feature-extraction',
    required: ['config.json', 'model.safetensors', 'vocab.txt'],
    optional: [],
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
      required: ['config.json', 'model.safetensors', 'vocab.txt'],
      optional: [],
      Pipeline,
    }]),
  ),
};

// The chat template and its special tokens from tokenizer_config.json, kept on
// the page side (templates are rendered with @huggingface/jinja there).
function chatTemplateOf(files) {
  const bytes = files['tokenizer_config.json'];
  if (!bytes) return {};
  let config;
  try {
    config = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new PocketformerError('BAD_CONFIG', 'tokenizer_config.json: not valid JSON');
  }
  const token = (t) => (typeof t === 'string' ? t : t && typeof t.content === 'string' ? t.content : '');
  let template = config.chat_template;
  if (Array.isArray(template)) template = template.find((t) => t && t.name === 'default')?.template;
  if (typeof template !== 'string') return {};
  return { chatTemplate: { template, bos_token: token(config.bos_token), eos_token: token(config.eos_token) } };
}
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
  throwIfAborted(signal);
  const name = typeof model === 'string' ? model : model instanceof URL ? model.href : 'files';
  const emit = makeEmitter(options.progress_callback, name);

  const source = await resolveModelSource(model, { env, revision });
  const engine = currentEngine();
  // Start the runtime while the files download.
  const initPromise = engine.init();
  initPromise.catch(() => {});
  const spec = TASKS[resolvedTask];
  const files = await loadModelFiles(source, {
    env, emit, signal, required: spec.required, optional: spec.optional,
  });
  spec.check?.(files.files, files.where);
  const pageState = spec.pageState ? spec.pageState(files.files) : {};
  const downloaded = now();
  const runtime = await rejectOnAbort(initPromise, signal);
  const loadPromise = engine.load(
    spec.adapter,
    files.files,
    // dtype left out when not asked for: a GGUF then keeps its own precision.
    {
      dtype: options.dtype == null ? undefined : dtype,
      maxContext: options.max_context,
      kvCacheDtype: options.kv_cache_dtype,
    },
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
    new spec.Pipeline({
      task: resolvedTask,
      model: name,
      engine,
      handle: loaded.handle,
      signal,
      ...pageState,
      info: {
        ...runtime,
        task: resolvedTask,
        source: files.where,
        files: files.sizes,
        ...loaded.info,
        downloadMs: downloaded - started,
        loadMs: ready - started,
      },
    })
  );
}

function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
