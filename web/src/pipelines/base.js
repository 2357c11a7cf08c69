// What every pipeline shares: it is a callable object; its requests run one
// after another in call order; when a request's signal (or the pipeline's)
// aborts, its promise rejects at once with ABORTED, whether it was waiting or
// running; a running one is also told to stop (generation stops between
// tokens), and the next request starts when it has. dispose() rejects the
// waiting ones and frees the model after the running one.
import { PocketformerError } from '../errors.js';
import { throwIfAborted } from '../files.js';

export class Pipeline {
  /**
   * @param {{task: string, model: string, info: object, engine: any, handle: number,
   *   signal?: AbortSignal}} state
   */
  constructor(state) {
    const self = /** @type {any} */ ((...args) => self._call(...args));
    Object.setPrototypeOf(self, new.target.prototype);
    self.task = state.task;
    self.model = state.model;
    self.info = state.info;
    self._engine = state.engine;
    self._handle = state.handle;
    self._signal = state.signal || null;
    self._tail = Promise.resolve();
    /** @type {Set<{reject: Function, settled: boolean}>} */
    self._waiting = new Set();
    self._disposed = false;
    if (self._signal) {
      const onAbort = () => self._rejectWaiting(abortReason(self._signal));
      self._signal.addEventListener('abort', onAbort, { once: true });
      self._removeAbort = () => self._signal.removeEventListener('abort', onAbort);
    }
    return self;
  }

  _call() {
    return Promise.reject(new PocketformerError('INTERNAL', 'pipeline has no call'));
  }

  _check(signal) {
    if (this._disposed) {
      throw new PocketformerError('DISPOSED', 'this pipeline was disposed');
    }
    throwIfAborted(this._signal);
    throwIfAborted(signal);
  }

  _rejectWaiting(error) {
    for (const entry of this._waiting) {
      if (!entry.settled) {
        entry.settled = true;
        entry.reject(error);
      }
    }
    this._waiting.clear();
  }

  /** The request's signal and the pipeline's, as one (either aborts it). */
  _combinedSignal(signal) {
    const signals = [signal, this._signal].filter(Boolean);
    if (signals.length < 2) return signals[0];
    if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
    const controller = new AbortController();
    for (const s of signals) {
      if (s.aborted) controller.abort(s.reason);
      else s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
    }
    return controller.signal;
  }

  /**
   * Runs task(signal) after every earlier request of this pipeline; an abort
   * rejects at once (and skips the task if it has not started).
   * @template T
   * @param {(signal: AbortSignal|undefined) => Promise<T>} task
   * @param {AbortSignal} [signal]
   * @returns {Promise<T>}
   */
  _enqueue(task, signal) {
    try {
      this._check(signal);
    } catch (e) {
      return Promise.reject(e);
    }
    const combined = this._combinedSignal(signal);
    return new Promise((resolve, reject) => {
      const entry = { reject, settled: false };
      this._waiting.add(entry);
      const onAbort = () => {
        if (entry.settled) return;
        entry.settled = true;
        this._waiting.delete(entry);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this._tail = this._tail.then(async () => {
        if (entry.settled) return;
        try {
          const value = await task(combined);
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
   * Live runtime numbers (not queued behind running requests):
   * {heapBytes: current wasm heap size, models: models loaded in that runtime}.
   */
  runtimeStats() {
    return this._engine.stats();
  }

  /** Frees the model. Waiting requests are rejected; the one running finishes first. */
  async dispose() {
    if (this._disposed) return;
    this._disposed = true;
    this._removeAbort?.();
    this._rejectWaiting(new PocketformerError('DISPOSED', 'this pipeline was disposed'));
    await this._tail.catch(() => {});
    try {
      await this._engine.dispose(this._handle);
    } catch {
      // the runtime is gone already
    }
  }
}

function abortReason(signal) {
  try {
    throwIfAborted(signal);
  } catch (e) {
    return e;
  }
  return new PocketformerError('ABORTED', 'aborted');
}
