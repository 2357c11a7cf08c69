// pipeline('zero-shot-classification') with an NLI model:
//   await classifier('I have a problem with my iphone', ['urgent', 'phone', 'tablet'])
//   // {sequence, labels: best first, scores}
//   await classifier(text, 'urgent, phone', {multi_label: true, hypothesis_template: 'This is {}.'})
// candidate_labels: an array, or one comma-separated string. Each label is
// put into hypothesis_template (default 'This example is {}.'); without
// multi_label the scores sum to 1 over the labels. An array of texts gives
// one result per text.
import { PocketformerError } from '../errors.js';
import { Pipeline } from './base.js';

export class ZeroShotClassificationPipeline extends Pipeline {
  /**
   * @param {string|string[]} input
   * @param {string|string[]} candidate_labels
   * @param {{hypothesis_template?: string, multi_label?: boolean, signal?: AbortSignal}} [options]
   */
  _call(input, candidate_labels, options = {}) {
    const { hypothesis_template = 'This example is {}.', multi_label = false, signal } = options;
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      return Promise.reject(
        new PocketformerError('INVALID_ARGUMENT', 'input must be a string or an array of strings'));
    }
    const labels = typeof candidate_labels === 'string'
      ? candidate_labels.split(',').map((l) => l.trim()).filter(Boolean)
      : candidate_labels;
    if (!Array.isArray(labels) || labels.length === 0 || labels.some((l) => typeof l !== 'string')) {
      return Promise.reject(new PocketformerError(
        'INVALID_ARGUMENT', 'candidate_labels must be a non-empty array of strings or a comma-separated string'));
    }
    return this._enqueue(async (s) => {
      const rows = await this._engine.call(
        this._handle, 'run',
        { texts: texts.slice(), candidate_labels: labels.slice(), hypothesis_template, multi_label },
        { signal: s });
      return typeof input === 'string' ? rows[0] : rows;
    }, signal);
  }
}
