// Runtime adapter for fill-mask (C++ FillMasker).
import { PocketformerError } from '../errors.js';
import { loadEncoderTask, stringList } from './encoder-task.js';

export const fillMask = {
  load(Module, files, options) {
    const task = loadEncoderTask(Module.FillMasker, files, options);
    return {
      info: {},
      delete: () => task.delete(),
      methods: {
        /**
         * @param {{texts: string[], top_k: number, targets?: string[]}} args
         * -> per text, per [MASK], [{score, token, token_str, sequence}] best first.
         */
        run({ texts, top_k = 5, targets = [] }) {
          const list = stringList(texts);
          if (!Number.isInteger(top_k) || top_k < 1) {
            throw new PocketformerError('INVALID_ARGUMENT', `top_k must be a whole number >= 1 (got ${top_k})`);
          }
          const wanted = stringList(targets, 'targets');
          return list.map((text) => task.run(text, top_k, wanted));
        },
      },
    };
  },
};
