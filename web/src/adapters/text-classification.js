// Runtime adapter for text-classification (C++ TextClassifier).
import { PocketformerError } from '../errors.js';
import { loadEncoderTask, stringList } from './encoder-task.js';

const FUNCTIONS = new Set(['default', 'softmax', 'sigmoid', 'none']);

export const textClassification = {
  load(Module, files, options) {
    const task = loadEncoderTask(Module.TextClassifier, files, options);
    const labels = Array.from(task.labels());
    return {
      info: { labels },
      delete: () => task.delete(),
      methods: {
        /**
         * @param {{texts: string[], top_k: number, function_to_apply?: string}} args
         * top_k 0 = every label. -> per text [{label, score}], best first.
         */
        run({ texts, top_k = 1, function_to_apply = 'default' }) {
          const list = stringList(texts);
          if (!Number.isInteger(top_k) || top_k < 0) {
            throw new PocketformerError('INVALID_ARGUMENT', `top_k must be a whole number >= 0 (got ${top_k})`);
          }
          if (!FUNCTIONS.has(function_to_apply)) {
            throw new PocketformerError(
              'INVALID_ARGUMENT',
              `function_to_apply must be 'softmax', 'sigmoid' or 'none' (got ${JSON.stringify(function_to_apply)})`,
            );
          }
          if (list.length === 0) return [];
          return task.run(list, top_k, function_to_apply);
        },
      },
    };
  },
};
