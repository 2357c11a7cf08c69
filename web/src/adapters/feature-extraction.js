// Runtime adapter for BERT-family feature extraction (C++ FeatureExtractor).
// Runs where the wasm module lives (worker or in-thread); validates what the
// page sent, since the page may be another origin's code.
import { PocketformerError } from '../errors.js';
import { loadEncoderTask } from './encoder-task.js';

const POOLINGS = new Set(['mean', 'cls', 'max', 'none']);

export const featureExtraction = {
  /**
   * @param {any} Module
   * @param {Record<string, Uint8Array>} files config.json, weights, tokenizer (see encoderInputs)
   * @param {{dtype?: string}} options
   */
  load(Module, files, options) {
    const fe = loadEncoderTask(Module.FeatureExtractor, files, options);
    const hiddenSize = fe.hiddenSize();
    return {
      info: { hiddenSize, maxLength: fe.maxLength() },
      delete: () => fe.delete(),
      methods: {
        /** @param {{texts: string[], pooling: string, normalize: boolean}} args */
        run({ texts, pooling = 'none', normalize = false }) {
          const list = typeof texts === 'string' ? [texts] : texts;
          if (!Array.isArray(list)) {
            throw new PocketformerError('INVALID_ARGUMENT', 'input must be a string or an array of strings');
          }
          list.forEach((t, i) => {
            if (typeof t !== 'string') {
              throw new PocketformerError('INVALID_ARGUMENT', `input ${i} is not a string (got ${typeof t})`);
            }
          });
          if (!POOLINGS.has(pooling)) {
            throw new PocketformerError(
              'INVALID_ARGUMENT',
              `pooling must be 'mean', 'cls', 'max' or 'none' (got ${JSON.stringify(pooling)})`,
            );
          }
          if (list.length === 0) {
            return {
              data: new Float32Array(0),
              dims: pooling === 'none' ? [0, 0, hiddenSize] : [0, hiddenSize],
            };
          }
          const out = fe.run(list, pooling, !!normalize);
          return { data: out.data, dims: Array.from(out.dims, Number) };
        },
        /** @returns {Int32Array} token ids with the special tokens ([CLS] ... [SEP], <s> ... </s>) */
        tokenize({ text }) {
          if (typeof text !== 'string') {
            throw new PocketformerError('INVALID_ARGUMENT', 'tokenize() needs a string');
          }
          return fe.tokenize(text);
        },
      },
    };
  },
};
