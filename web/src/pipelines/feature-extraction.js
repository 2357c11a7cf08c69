// pipeline('feature-extraction'): extractor(texts, {pooling, normalize, signal}) -> Tensor
import { PocketformerError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { Pipeline } from './base.js';

const POOLINGS = new Set(['mean', 'cls', 'max', 'none']);

export class FeatureExtractionPipeline extends Pipeline {
  constructor(state) {
    const self = /** @type {any} */ (super(state));
    // A sentence-transformers model's Pooling / Normalize modules
    // (modules.json): the defaults when a call does not say.
    self._poolingDefaults = state.poolingDefaults || {};
    self.tokenizer = {
      /** @param {string} text @returns {Promise<number[]>} ids, [CLS] ... [SEP] */
      encode: (text) =>
        self._enqueue(async () =>
          Array.from(await self._engine.call(self._handle, 'tokenize', { text }))),
    };
    return self;
  }

  /**
   * @param {string|string[]} input
   * @param {{pooling?: 'none'|'mean'|'cls'|'max', normalize?: boolean, signal?: AbortSignal}} [options]
   */
  _call(input, options = {}) {
    const defaults = this._poolingDefaults;
    const pooling = options.pooling ?? defaults.pooling ?? 'none';
    const normalize = !!(options.normalize ?? defaults.normalize);
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      return Promise.reject(
        new PocketformerError('INVALID_ARGUMENT', 'input must be a string or an array of strings'),
      );
    }
    if (!POOLINGS.has(pooling)) {
      return Promise.reject(
        new PocketformerError(
          'INVALID_ARGUMENT',
          `pooling must be 'mean', 'cls', 'max' or 'none' (got ${JSON.stringify(pooling)})`,
        ),
      );
    }
    return this._enqueue(async (signal) => {
      const out = await this._engine.call(
        this._handle, 'run', { texts: texts.slice(), pooling, normalize }, { signal });
      return new Tensor(out.data, out.dims);
    }, options.signal);
  }
}
