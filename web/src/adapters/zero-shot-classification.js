// Runtime adapter for zero-shot-classification (C++ ZeroShotClassifier).
import { checkString, loadEncoderTask, stringList } from './encoder-task.js';

export const zeroShotClassification = {
  load(Module, files, options) {
    const task = loadEncoderTask(Module.ZeroShotClassifier, files, options);
    return {
      info: {},
      delete: () => task.delete(),
      methods: {
        /**
         * @param {{texts: string[], candidate_labels: string[], hypothesis_template: string,
         *   multi_label: boolean}} args -> per text {labels, scores}, best first.
         */
        run({ texts, candidate_labels, hypothesis_template = 'This example is {}.', multi_label = false }) {
          const list = stringList(texts);
          const labels = stringList(candidate_labels, 'candidate_labels');
          checkString(hypothesis_template, 'hypothesis_template');
          return list.map((text) => {
            const r = task.run(text, labels, hypothesis_template, !!multi_label);
            return { sequence: text, labels: Array.from(r.labels), scores: Array.from(r.scores) };
          });
        },
      },
    };
  },
};
