// Error type shared by the package, the backend and the worker.

/** An Error with a stable machine-readable `code`. */
export class PocketformerError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{cause?: unknown}} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'PocketformerError';
    this.code = code;
  }
}

/** Codes the wasm module throws (C++ pf::ErrorCode names). */
export const WASM_ERROR_CODES = [
  'CORRUPT_MODEL',
  'BAD_CONFIG',
  'UNSUPPORTED',
  'UNSUPPORTED_ARCHITECTURE',
  'INVALID_ARGUMENT',
  'OUT_OF_MEMORY',
  'INTERNAL',
];

/**
 * Turns anything thrown (a coded JS Error from Embind, a wasm trap, an abort)
 * into a plain {code, message} record that survives postMessage.
 * @param {unknown} e
 * @returns {{code: string, message: string}}
 */
export function toErrorRecord(e) {
  if (e && typeof e === 'object') {
    const err = /** @type {any} */ (e);
    if (typeof err.code === 'string' && typeof err.message === 'string') {
      return { code: err.code, message: err.message };
    }
    if (err.name === 'AbortError') {
      return { code: 'ABORTED', message: err.message || 'aborted' };
    }
    if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
      return { code: 'INTERNAL', message: 'wasm trap: ' + err.message };
    }
    if (err instanceof RangeError && /memory|allocation/i.test(String(err.message))) {
      return { code: 'OUT_OF_MEMORY', message: String(err.message) };
    }
    if (typeof err.message === 'string') {
      return { code: 'INTERNAL', message: err.message };
    }
  }
  return { code: 'INTERNAL', message: String(e) };
}

/** @param {{code: string, message: string}} record */
export function fromErrorRecord(record) {
  return new PocketformerError(record.code, record.message);
}
