// Two interchangeable engines with the same async API:
//   LocalEngine  - the Backend in this thread (Node; env.useWorker = false)
//   WorkerEngine - the Backend inside worker.js, reached by a small RPC client
// Methods: init() -> info, load(files, {transfer}) -> {handle, hiddenSize,
// maxLength}, run(handle, texts, pooling, normalize) -> {data, dims},
// tokenize(handle, text) -> Int32Array, dispose(handle), close().
import { Backend } from './backend.js';
import { PocketformerError, fromErrorRecord, toErrorRecord } from './errors.js';

export class LocalEngine {
  /** @param {{wasmBaseUrl: string, numThreads: number, wasmVariant?: string}} settings */
  constructor(settings) {
    this.kind = 'in-thread';
    this.backend = new Backend(settings);
  }

  async init() {
    return { ...(await this.backend.init()), worker: false };
  }

  async load(files) {
    return this.backend.load(files);
  }

  async run(handle, texts, pooling, normalize) {
    return this.backend.run(handle, texts, pooling, normalize);
  }

  async tokenize(handle, text) {
    return this.backend.tokenize(handle, text);
  }

  async dispose(handle) {
    return this.backend.dispose(handle);
  }

  close() {
    this.backend.close();
  }
}

export class WorkerEngine {
  /** @param {{wasmBaseUrl: string, numThreads: number, wasmVariant?: string}} settings */
  constructor(settings, workerUrl = new URL('./worker.js', import.meta.url)) {
    this.kind = 'worker';
    this.settings = settings;
    this.workerUrl = workerUrl;
    /** @type {Map<number, {resolve: Function, reject: Function, op: string}>} */
    this.pending = new Map();
    this.nextId = 1;
    this.dead = null;
    this.worker = null;
    this._initPromise = null;
  }

  _start() {
    if (this.worker) return;
    let worker;
    try {
      worker = new Worker(this.workerUrl, { type: 'module', name: 'pocketformer' });
    } catch (e) {
      throw new PocketformerError(
        'WORKER_ERROR',
        `could not start the pocketformer worker (${toErrorRecord(e).message}); ` +
          'set env.useWorker = false to run on the page thread',
        { cause: e },
      );
    }
    worker.addEventListener('message', (event) => {
      const msg = event.data;
      if (!msg || typeof msg.id !== 'number' || msg.id === 0) return;
      const entry = this.pending.get(msg.id);
      if (!entry) return;
      this.pending.delete(msg.id);
      if (msg.ok) entry.resolve(msg.result);
      else entry.reject(fromErrorRecord(msg.error));
    });
    const fail = (what) => {
      const err = new PocketformerError(
        'WORKER_ERROR',
        `the pocketformer worker failed: ${what}`,
      );
      this._kill(err);
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault?.();
      fail(event.message || 'script error (could not load worker.js or one of its imports)');
    });
    worker.addEventListener('messageerror', () => fail('a message could not be deserialised'));
    this.worker = worker;
  }

  // The worker died (script failed to load, or the thread crashed): reject
  // everything outstanding; the next call starts a fresh worker.
  _kill(err) {
    const pending = [...this.pending.values()];
    this.pending.clear();
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this._initPromise = null;
    this.generation = (this.generation || 0) + 1;
    for (const entry of pending) entry.reject(err);
  }

  /**
   * @param {string} op
   * @param {object} args
   * @param {Transferable[]} [transfer]
   */
  call(op, args, transfer = []) {
    this._start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, op });
      try {
        this.worker.postMessage({ id, op, args }, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(new PocketformerError('WORKER_ERROR', toErrorRecord(e).message, { cause: e }));
      }
    });
  }

  init() {
    if (!this._initPromise) {
      const p = this.call('init', {
        wasmBaseUrl: String(this.settings.wasmBaseUrl),
        numThreads: this.settings.numThreads,
        wasmVariant: this.settings.wasmVariant,
      }).then((info) => ({ ...info, worker: true }));
      this._initPromise = p.catch((e) => {
        this._initPromise = null;
        throw e;
      });
    }
    return this._initPromise;
  }

  /**
   * @param {{config: string, weights: Uint8Array, vocab: string}} files
   * @param {{transfer?: boolean}} [options] transfer the weights buffer (zero copy;
   *   only for buffers this package allocated itself)
   */
  async load(files, options = {}) {
    await this.init();
    const weights = files.weights;
    const transfer =
      options.transfer && weights.buffer instanceof ArrayBuffer &&
      weights.byteOffset === 0 && weights.byteLength === weights.buffer.byteLength
        ? [weights.buffer]
        : [];
    return this.call('load', files, transfer);
  }

  async run(handle, texts, pooling, normalize) {
    return this.call('run', { handle, texts, pooling, normalize });
  }

  async tokenize(handle, text) {
    return this.call('tokenize', { handle, text });
  }

  async dispose(handle) {
    if (!this.worker) return false;
    return this.call('dispose', { handle });
  }

  close() {
    this._kill(new PocketformerError('DISPOSED', 'the pocketformer worker was closed'));
  }
}
