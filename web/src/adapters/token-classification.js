// Runtime adapter for token-classification (C++ TokenClassifier): entities
// with start/end as indices into the input string.
import { PocketformerError } from '../errors.js';
import { byteToIndex, loadEncoderTask, stringList } from './encoder-task.js';

const STRATEGIES = new Set(['none', 'simple', 'first', 'average', 'max']);

export const tokenClassification = {
  load(Module, files, options) {
    const task = loadEncoderTask(Module.TokenClassifier, files, options);
    return {
      info: { labels: Array.from(task.labels()) },
      delete: () => task.delete(),
      methods: {
        /**
         * @param {{texts: string[], aggregation_strategy: string, ignore_labels: string[]}} args
         * -> per text, entities: {entity, score, index, word, start, end} for 'none',
         *    {entity_group, score, word, start, end} otherwise.
         */
        run({ texts, aggregation_strategy = 'none', ignore_labels = ['O'] }) {
          const list = stringList(texts);
          if (!STRATEGIES.has(aggregation_strategy)) {
            throw new PocketformerError(
              'INVALID_ARGUMENT',
              `aggregation_strategy must be one of ${[...STRATEGIES].join(', ')} (got ${JSON.stringify(aggregation_strategy)})`,
            );
          }
          const ignore = stringList(ignore_labels, 'ignore_labels');
          if (list.length === 0) return [];
          const grouped = aggregation_strategy !== 'none';
          return task.run(list, aggregation_strategy, ignore).map((entities, i) => {
            const index = byteToIndex(list[i]);
            return entities.map((e) =>
              grouped
                ? { entity_group: e.entity, score: e.score, word: e.word, start: index(e.start), end: index(e.end) }
                : { entity: e.entity, score: e.score, index: e.index, word: e.word, start: index(e.start), end: index(e.end) });
          });
        },
      },
    };
  },
};
