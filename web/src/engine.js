// Two interchangeable engines with the same async API:
//   LocalEngine  - the Backend in this thread (env.useWorker = false)
//   WorkerEngine - the Backend inside worker.js: a module Worker in browsers,
//                  a worker_threads Worker in Node; reached by a small RPC.
// Methods: init() -> runtime info; load(kind, files, options, {transfer}) ->
// {handle, info}; call(handle, method, args, {onEvent, signal}) -> result
// (onEvent receives streamed partial results; an abort of `signal` stops the
// call between steps); dispose(handle); close().
import { importNode } from './node.js';
import { Backend } from './backend.js';
import { PocketformerError, fromErrorRecord, toErrorRecord } from './errors.js';
import { IS_NODE, throwIfAborted } from './files.js';

export class LocalEngine {
  /** @param {{wasmBaseUrl: string, numThreads: number, wasmVariant?: string}} settings */
  constructor(settings) {
    this.kind = 'in-thread';
    this.backend = new Backend(settings);
  }

  async init() {
    return { ...(await this.backend.init()), worker: false };
  }

  async load(kind, files, options) {
    return this.backend.load(kind, files, options);
  }

  async call(handle, method, args, { onEvent, signal } = {}) {
    throwIfAborted(signal);
    return this.backend.call(handle, method, args, {
      emit: onEvent,
      aborted: () => !!signal?.aborted,
    });
  }

  async dispose(handle) {
    return this.backend.dispose(handle);
  }

  async stats() {
    return this.backend.stats();
  }

  close() {
    this.backend.close();
  }
}

// A Web Worker and a node:worker_threads Worker behind one small interface.
async function startWorker(url, onMessage, onFailure) {
  if (IS_NODE) {
    const { Worker } = await importNode('node:worker_threads');
    const worker = new Worker(url || new URL('./worker.js', import.meta.url), { name: 'pocketformer' });
    worker.on('message', (data) => onMessage(data));
    worker.on('error', (e) => onFailure(e && e.message ? e.message : String(e)));
    worker.on('messageerror', () => onFailure('a message could not be deserialised'));
    worker.on('exit', (code) => onFailure(`the worker thread exited (code ${code})`));
    return {
      post: (msg, transfer) => worker.postMessage(msg, transfer),
      terminate: () => {
        worker.removeAllListeners('exit');
        worker.terminate();
      },
      // An idle worker must not keep Node alive; a busy one must.
      busy: (yes) => (yes ? worker.ref() : worker.unref()),
    };
  }
  // The literal `new Worker(new URL(...), {type: 'module'})` form lets bundlers
  // (Vite, webpack 5) see the worker and bundle it with its imports.
  const worker = url
    ? new Worker(url, { type: 'module', name: 'pocketformer' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'pocketformer' });
  worker.addEventListener('message', (event) => onMessage(event.data));
  worker.addEventListener('error', (event) => {
    event.preventDefault?.();
    onFailure(event.message || 'script error (could not load worker.js or one of its imports)');
  });
  worker.addEventListener('messageerror', () => onFailure('a message could not be deserialised'));
  return {
    post: (msg, transfer) => worker.postMessage(msg, transfer),
    terminate: () => worker.terminate(),
    busy: () => {},
  };
}

export class WorkerEngine {
  /**
   * @param {{wasmBaseUrl: string, numThreads: number, wasmVariant?: string}} settings
   * @param {URL} [workerUrl] another worker script (tests); default ./worker.js
   */
  constructor(settings, workerUrl) {
    this.kind = 'worker';
    this.settings = settings;
    this.workerUrl = workerUrl;
    /** @type {Map<number, {resolve: Function, reject: Function, onEvent?: Function}>} */
    this.pending = new Map();
    this.nextId = 1;
    /** @type {Promise<any>|null} */
    this.worker = null;
    this._initPromise = null;
  }

  _start() {
    if (this.worker) return this.worker;
    const onMessage = (msg) => {
      if (!msg || typeof msg.id !== 'number' || msg.id === 0) return;
      const entry = this.pending.get(msg.id);
      if (!entry) return;
      if ('event' in msg) {
        try {
          entry.onEvent?.(msg.event);
        } catch (e) {
          if (typeof console !== 'undefined') console.error('pocketformer stream callback threw:', e);
        }
        return;
      }
      this._settle(msg.id);
      if (msg.ok) entry.resolve(msg.result);
      else entry.reject(fromErrorRecord(msg.error));
    };
    const onFailure = (what) =>
      this._kill(new PocketformerError('WORKER_ERROR', `the pocketformer worker failed: ${what}`));
    this.worker = startWorker(this.workerUrl, onMessage, onFailure).catch((e) => {
      this.worker = null;
      throw new PocketformerError(
        'WORKER_ERROR',
        `could not start the pocketformer worker (${toErrorRecord(e).message}); ` +
          'set env.useWorker = false to run in this thread',
        { cause: e },
      );
    });
    return this.worker;
  }

  _settle(id) {
    this.pending.delete(id);
    if (this.pending.size === 0 && this.worker) this.worker.then((w) => w.busy(false), () => {});
  }

  // The worker died (script failed to load, or the thread crashed): reject
  // everything outstanding; the next call starts a fresh worker.
  _kill(err) {
    const pending = [...this.pending.values()];
    this.pending.clear();
    const worker = this.worker;
    this.worker = null;
    this._initPromise = null;
    worker?.then((w) => w.terminate(), () => {});
    for (const entry of pending) entry.reject(err);
  }

  /**
   * @param {string} op
   * @param {object} args
   * @param {{transfer?: Transferable[], onEvent?: Function, signal?: AbortSignal}} [options]
   */
  async call_(op, args, { transfer = [], onEvent, signal } = {}) {
    throwIfAborted(signal);
    const worker = await this._start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        // Stop the request in the worker (between steps, or before it starts);
        // its reply still comes back and settles this promise.
        try {
          worker.post({ id: this.nextId++, op: 'abort', args: { target: id } }, []);
        } catch {
          // the worker is gone; _kill rejects
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
        onEvent,
      });
      if (this.pending.size === 1) worker.busy(true);
      try {
        worker.post({ id, op, args }, transfer);
      } catch (e) {
        this._settle(id);
        done();
        reject(new PocketformerError('WORKER_ERROR', toErrorRecord(e).message, { cause: e }));
      }
    });
  }

  init() {
    if (!this._initPromise) {
      const p = this.call_('init', {
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
   * @param {string} kind
   * @param {Record<string, Uint8Array>} files
   * @param {object} options
   * @param {{transfer?: boolean}} [how] transfer the file buffers (zero copy;
   *   only for buffers this package allocated itself)
   */
  async load(kind, files, options, how = {}) {
    await this.init();
    const transfer = [];
    if (how.transfer) {
      for (const bytes of Object.values(files)) {
        if (bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 &&
            bytes.byteLength === bytes.buffer.byteLength && !transfer.includes(bytes.buffer)) {
          transfer.push(bytes.buffer);
        }
      }
    }
    return this.call_('load', { kind, files, options }, { transfer });
  }

  async call(handle, method, args, { onEvent, signal } = {}) {
    return this.call_('call', { handle, method, args }, { onEvent, signal });
  }

  async dispose(handle) {
    if (!this.worker) return false;
    return this.call_('dispose', { handle });
  }

  async stats() {
    return this.call_('stats', {});
  }

  close() {
    this._kill(new PocketformerError('DISPOSED', 'the pocketformer worker was closed'));
  }
}
