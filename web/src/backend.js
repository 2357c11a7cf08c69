// The part that owns the wasm module: picks and instantiates the right build
// (relaxed-SIMD or SIMD; threaded when SharedArrayBuffer is usable), keeps the
// loaded models by integer handle, and turns every failure into a coded
// PocketformerError. Used in-thread (Node, or env.useWorker = false) and by
// worker.js inside a module Worker; it never touches the DOM or the network
// except to load the module itself.
import { importNode } from './node.js';
import { ADAPTERS } from './adapters/index.js';
import { PocketformerError, toErrorRecord, WASM_ERROR_CODES } from './errors.js';

const IS_NODE =
  typeof process !== 'undefined' && !!(process.versions && process.versions.node) &&
  typeof window === 'undefined';

// Smallest module whose validation needs relaxed SIMD: a function returning
// i8x16.relaxed_swizzle(i8x16.splat(1), i8x16.splat(2)).
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253,
  15, 65, 2, 253, 15, 253, 128, 2, 11,
]);
// Same shape with plain SIMD (i8x16.swizzle): checks SIMD128 itself.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 14, 1, 12, 0, 65, 1, 253,
  15, 65, 2, 253, 15, 253, 14, 11,
]);

function validates(bytes) {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

export function relaxedSimdSupported() {
  return validates(RELAXED_SIMD_PROBE);
}

export function simdSupported() {
  return validates(SIMD_PROBE);
}

/** True when a threaded (pthreads) build can run here. */
export function threadsSupported() {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  if (IS_NODE) return true;
  return globalThis.crossOriginIsolated === true;
}

/** Build names in order of preference for this environment. */
export function candidateVariants(override) {
  if (override && override !== 'auto') return [override];
  const list = [];
  if (threadsSupported()) {
    if (relaxedSimdSupported()) list.push('relaxed-mt');
    list.push('simd-mt');
  }
  list.push('simd-st');
  return list;
}

async function urlExists(url) {
  if (url.protocol === 'file:') {
    const [{ access }, { fileURLToPath }] = await Promise.all([
      importNode('node:fs/promises'),
      importNode('node:url'),
    ]);
    try {
      await access(fileURLToPath(url));
      return true;
    } catch {
      return false;
    }
  }
  try {
    const res = await fetch(url, { method: 'HEAD', cache: 'no-cache' });
    return res.ok;
  } catch {
    return false;
  }
}

function ensureDirUrl(base) {
  const s = String(base);
  return s.endsWith('/') ? s : s + '/';
}

export class Backend {
  /**
   * @param {{wasmBaseUrl: string|URL, numThreads?: number, wasmVariant?: string}} options
   */
  constructor(options) {
    if (!options || !options.wasmBaseUrl) {
      throw new PocketformerError('INVALID_ARGUMENT', 'Backend needs a wasmBaseUrl');
    }
    this.wasmBaseUrl = new URL(ensureDirUrl(options.wasmBaseUrl));
    this.requestedThreads = Math.max(1, Math.floor(options.numThreads || 1));
    this.wasmVariant = options.wasmVariant || 'auto';
    /** @type {any} */
    this.module = null;
    this._initPromise = null;
    this.info = null;
    /** @type {Map<number, any>} */
    this.models = new Map();
    this.nextHandle = 1;
    this.generation = 0;
    /** @type {Promise<any>|null} */
    this._convertModulePromise = null;
  }

  /** Loads the wasm module once; resolves to a description of the runtime. */
  init() {
    if (!this._initPromise) {
      this._initPromise = this._init().catch((e) => {
        this._initPromise = null; // allow a retry (e.g. after the build appears)
        throw e;
      });
    }
    return this._initPromise;
  }

  async _init() {
    if (typeof WebAssembly !== 'object') {
      throw new PocketformerError(
        'UNSUPPORTED_ENVIRONMENT',
        'this JavaScript engine has no WebAssembly support',
      );
    }
    if (!simdSupported()) {
      throw new PocketformerError(
        'UNSUPPORTED_ENVIRONMENT',
        'this browser does not support WebAssembly SIMD (fixed-width SIMD128), which pocketformer needs',
      );
    }
    const threads = threadsSupported();
    const candidates = candidateVariants(this.wasmVariant);
    const tried = [];
    /** @type {Record<string, string>} */
    const status = {};
    for (const variant of candidates) {
      const url = new URL(`pocketformer-${variant}.mjs`, this.wasmBaseUrl);
      if (!(await urlExists(url))) {
        tried.push(`${variant}: ${url.href} not found`);
        status[variant] = 'missing';
        continue;
      }
      if (variant.endsWith('-mt') && !threads) {
        tried.push(`${variant}: needs SharedArrayBuffer (cross-origin isolation)`);
        status[variant] = 'needs-threads';
        continue;
      }
      let Module;
      try {
        Module = await this._instantiate(url, variant);
      } catch (e) {
        tried.push(`${variant}: ${toErrorRecord(e).message}`);
        status[variant] = 'failed';
        continue;
      }
      const inUse = Module.numThreads();
      this.module = Module;
      this.generation += 1;
      this.info = {
        variant,
        moduleUrl: url.href,
        version: String(Module.version()),
        threads: inUse,
        requestedThreads: this.requestedThreads,
        crossOriginIsolated: IS_NODE ? null : globalThis.crossOriginIsolated === true,
        sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
        relaxedSimd: relaxedSimdSupported(),
        environment: IS_NODE ? 'node' : typeof window === 'undefined' ? 'worker' : 'window',
      };
      return this.info;
    }
    const allMissing = candidates.every((v) => status[v] === 'missing');
    if (!threads && allMissing) {
      // No single-thread build: say so plainly if a threaded one exists.
      const mtUrl = new URL('pocketformer-simd-mt.mjs', this.wasmBaseUrl);
      if (await urlExists(mtUrl)) {
        throw new PocketformerError(
          'UNSUPPORTED_ENVIRONMENT',
          'pocketformer needs WebAssembly threads here, but this page is not cross-origin isolated ' +
            '(SharedArrayBuffer is unavailable) and there is no single-thread build ' +
            `(pocketformer-simd-st.mjs) in ${this.wasmBaseUrl.href}. Serve the page with the headers ` +
            "'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp' " +
            'to enable threads and cross-origin isolation.',
        );
      }
    }
    if (allMissing) {
      throw new PocketformerError(
        'WASM_NOT_FOUND',
        `no pocketformer wasm build found in ${this.wasmBaseUrl.href} (run 'npm run build', or set ` +
          `env.wasmBaseUrl). Tried: ${tried.join('; ')}`,
      );
    }
    throw new PocketformerError(
      'WASM_LOAD_FAILED',
      `could not start the pocketformer wasm module. Tried: ${tried.join('; ')}`,
    );
  }

  /**
   * Imports the Emscripten module factory at `url` (a build of `variant`),
   * starts the module and sets its thread count (1 in single-thread builds).
   */
  async _instantiate(url, variant) {
    const { default: factory } = await import(/* @vite-ignore */ url.href);
    const Module = await factory({
      numThreads: this.requestedThreads,
      print: () => {},
      printErr: (text) => {
        if (typeof console !== 'undefined') console.warn('[pocketformer]', text);
      },
    });
    Module.setNumThreads(variant.endsWith('-mt') ? this.requestedThreads : 1);
    return Module;
  }

  // The converter's own module (pocketformer-convert-<variant>, built beside
  // the runtime's), started on the first conversion only: the runtime every
  // page loads leaves the converter out to stay small.
  _requireConvertModule() {
    if (!this._convertModulePromise) {
      const variant = this.info.variant;
      const url = new URL(`pocketformer-convert-${variant}.mjs`, this.wasmBaseUrl);
      this._convertModulePromise = (async () => {
        if (!(await urlExists(url))) {
          throw new PocketformerError('UNSUPPORTED_ENVIRONMENT',
            `the converter module ${url.href} was not found (it is built beside pocketformer-${variant}.mjs)`);
        }
        return this._instantiate(url, variant);
      })().catch((e) => {
        this._convertModulePromise = null;
        throw e;
      });
    }
    return this._convertModulePromise;
  }

  _requireModule() {
    if (!this.module) {
      throw new PocketformerError('INTERNAL', 'the wasm module is not initialised (call init first)');
    }
    return this.module;
  }

  _model(handle) {
    const entry = this.models.get(handle);
    if (!entry) {
      throw new PocketformerError(
        'DISPOSED',
        `model handle ${handle} is not loaded (it was disposed, or lost after a runtime crash)`,
      );
    }
    return entry;
  }

  // A non-coded failure (wasm trap, abort()) may leave the module unusable:
  // drop it, so the next init() starts a fresh one. Coded errors from the C++
  // side are ordinary and leave the module intact.
  _guard(fn) {
    try {
      return fn();
    } catch (e) {
      throw this._wrapError(e);
    }
  }

  _wrapError(e) {
    if (e instanceof PocketformerError) return e;
    const record = toErrorRecord(e);
    const coded = e && typeof e === 'object' && typeof (/** @type {any} */ (e).code) === 'string' &&
      WASM_ERROR_CODES.includes(/** @type {any} */ (e).code);
    if (!coded) {
      this.module = null;
      this._convertModulePromise = null;
      this._initPromise = null;
      this.models.clear();
      record.message += ' (the wasm runtime was reset; load the model again)';
    }
    return new PocketformerError(record.code, record.message, { cause: e });
  }

  /**
   * Loads a model for one task with that task's adapter (web/src/adapters/).
   * @param {string} kind adapter name, e.g. 'feature-extraction'
   * @param {Record<string, Uint8Array|ArrayBuffer>} files file name -> bytes
   * @param {object} [options] adapter options (dtype, ...)
   * @returns {Promise<{handle: number, info: object}>}
   */
  async load(kind, files, options = {}) {
    await this.init();
    const adapter = ADAPTERS[kind];
    if (!adapter) {
      throw new PocketformerError('UNSUPPORTED_TASK', `no runtime adapter for '${kind}'`);
    }
    const Module = adapter.module === 'convert' ? await this._requireConvertModule() : this._requireModule();
    if (!files || typeof files !== 'object') {
      throw new PocketformerError('INVALID_ARGUMENT', 'load() needs an object of files');
    }
    /** @type {Record<string, Uint8Array>} */
    const bytes = {};
    for (const [name, value] of Object.entries(files)) {
      if (value instanceof Uint8Array) bytes[name] = value;
      else if (value instanceof ArrayBuffer) bytes[name] = new Uint8Array(value);
      else throw new PocketformerError('INVALID_ARGUMENT', `${name}: expected bytes`);
    }
    return this._guard(() => {
      const model = adapter.load(Module, bytes, options || {});
      const handle = this.nextHandle++;
      this.models.set(handle, model);
      return { handle, info: model.info };
    });
  }

  /**
   * Calls one method of a loaded model. ctx.emit(event) streams partial
   * results; ctx.aborted() tells long methods (generation) to stop early.
   * @param {number} handle
   * @param {string} method
   * @param {object} args
   * @param {{emit?: (event: unknown) => void, aborted?: () => boolean}} [ctx]
   */
  async call(handle, method, args, ctx = {}) {
    const model = this._model(handle);
    const fn = model.methods[method];
    if (typeof fn !== 'function') {
      throw new PocketformerError('INVALID_ARGUMENT', `this model has no method '${method}'`);
    }
    const context = {
      emit: ctx.emit || (() => {}),
      aborted: ctx.aborted || (() => false),
    };
    try {
      return await fn(args || {}, context);
    } catch (e) {
      throw this._wrapError(e);
    }
  }

  /** Live numbers about the runtime: wasm heap size, models loaded. */
  stats() {
    const Module = this.module;
    return {
      heapBytes: Module && Module.HEAPU8 ? Module.HEAPU8.length : 0,
      heapInUseBytes: Module && Module.heapInUseBytes ? Module.heapInUseBytes() : 0,
      models: this.models.size,
    };
  }

  dispose(handle) {
    const entry = this.models.get(handle);
    if (!entry) return false;
    this.models.delete(handle);
    try {
      entry.delete();
    } catch {
      // already gone with a reset runtime
    }
    return true;
  }

  /** Frees every model and stops the thread pool (lets Node exit). */
  close() {
    for (const handle of [...this.models.keys()]) this.dispose(handle);
    if (this.module) {
      try {
        this.module.setNumThreads(1);
      } catch {
        // ignore
      }
      const pthread = this.module.PThread;
      if (pthread && typeof pthread.terminateAllThreads === 'function') {
        try {
          pthread.terminateAllThreads();
        } catch {
          // ignore
        }
      }
    }
    this.module = null;
    this._initPromise = null;
  }
}
