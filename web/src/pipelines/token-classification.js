// pipeline('token-classification') (alias 'ner'):
//   await ner('My name is Sarah and I live in London')
//   // [{entity: 'B-PER', score, index, word: 'sarah', start: 11, end: 16}, ...]
//   await ner(text, {aggregation_strategy: 'simple'})
//   // [{entity_group: 'PER', score, word: 'sarah', start: 11, end: 16}, ...]
// start/end index into the input string; aggregation_strategy is 'none'
// (default), 'simple', 'first', 'average' or 'max' as in transformers;
// ignore_labels (default ['O']) are dropped. An array of texts gives one
// list per text.
import { PocketformerError } from '../errors.js';
import { Pipeline } from './base.js';

export class TokenClassificationPipeline extends Pipeline {
  /**
   * @param {string|string[]} input
   * @param {{aggregation_strategy?: string, ignore_labels?: string[], signal?: AbortSignal}} [options]
   */
  _call(input, options = {}) {
    const { aggregation_strategy = 'none', ignore_labels = ['O'], signal } = options;
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      return Promise.reject(
        new PocketformerError('INVALID_ARGUMENT', 'input must be a string or an array of strings'));
    }
    return this._enqueue(async (s) => {
      const rows = await this._engine.call(
        this._handle, 'run',
        { texts: texts.slice(), aggregation_strategy, ignore_labels }, { signal: s });
      return typeof input === 'string' ? rows[0] : rows;
    }, signal);
  }
}
