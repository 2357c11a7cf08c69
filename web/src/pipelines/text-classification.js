// pipeline('text-classification') (alias 'sentiment-analysis'):
//   await classifier('I love it')                    // [{label, score}]
//   await classifier('I love it', {top_k: null})     // every label, best first
//   await classifier(['a', 'b'])                     // [{label, score}, {label, score}]
//   await classifier(['a', 'b'], {top_k: 2})         // [[...], [...]]
// Scores: softmax over the labels, or sigmoid per label for multi-label
// models (config problem_type) and single-label ones; function_to_apply
// ('softmax' | 'sigmoid' | 'none') overrides. Labels come from id2label.
import { PocketformerError } from '../errors.js';
import { Pipeline } from './base.js';

export class TextClassificationPipeline extends Pipeline {
  /**
   * @param {string|string[]} input
   * @param {{top_k?: number|null, function_to_apply?: string, signal?: AbortSignal}} [options]
   */
  _call(input, options = {}) {
    const { top_k = 1, function_to_apply = 'default', signal } = options;
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      return Promise.reject(
        new PocketformerError('INVALID_ARGUMENT', 'input must be a string or an array of strings'));
    }
    const k = top_k === null ? 0 : top_k;
    if (!Number.isInteger(k) || (k < 1 && top_k !== null)) {
      return Promise.reject(
        new PocketformerError('INVALID_ARGUMENT', `top_k must be a whole number >= 1 or null (got ${top_k})`));
    }
    return this._enqueue(async (s) => {
      /** @type {{label: string, score: number}[][]} */
      const rows = await this._engine.call(
        this._handle, 'run', { texts: texts.slice(), top_k: k, function_to_apply }, { signal: s });
      // Transformers.js' shapes: one list per text, flattened when top_k is 1.
      if (k === 1) return rows.map((r) => r[0]);
      return typeof input === 'string' ? rows[0] : rows;
    }, signal);
  }
}
