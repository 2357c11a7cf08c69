// pipeline('fill-mask'):
//   await unmasker('The goal of life is [MASK].')
//   // [{score, token, token_str, sequence}, ...] (top_k = 5, best first)
//   await unmasker(text, {top_k: 2, targets: ['happiness', 'love']})
// A text with several [MASK]s gives one list per mask; an array of texts
// one result per text.
import { PocketformerError } from '../errors.js';
import { Pipeline } from './base.js';

export class FillMaskPipeline extends Pipeline {
  /**
   * @param {string|string[]} input
   * @param {{top_k?: number, targets?: string|string[], signal?: AbortSignal}} [options]
   */
  _call(input, options = {}) {
    const { top_k = 5, signal } = options;
    const targets = typeof options.targets === 'string' ? [options.targets] : options.targets ?? [];
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      return Promise.reject(
        new PocketformerError('INVALID_ARGUMENT', 'input must be a string or an array of strings'));
    }
    return this._enqueue(async (s) => {
      /** @type {any[][][]} per text, per mask, predictions */
      const rows = await this._engine.call(
        this._handle, 'run', { texts: texts.slice(), top_k, targets }, { signal: s });
      const shaped = rows.map((masks) => (masks.length === 1 ? masks[0] : masks));
      return typeof input === 'string' ? shaped[0] : shaped;
    }, signal);
  }
}
