// Runtime adapter for question-answering (C++ QuestionAnswerer): answers
// with start/end as indices into the context string.
import { PocketformerError } from '../errors.js';
import { byteToIndex, checkString, loadEncoderTask } from './encoder-task.js';

const COUNTS = ['top_k', 'max_answer_len', 'doc_stride', 'max_seq_len'];

export const questionAnswering = {
  load(Module, files, options) {
    const task = loadEncoderTask(Module.QuestionAnswerer, files, options);
    return {
      info: {},
      delete: () => task.delete(),
      methods: {
        /**
         * @param {{question: string, context: string, options: Record<string, number>}} args
         * -> [{answer, score, start, end}], best first.
         */
        run({ question, context, options: qa = {} }) {
          checkString(question, 'question');
          checkString(context, 'context');
          /** @type {Record<string, number>} */
          const settings = {};
          for (const name of COUNTS) {
            const v = qa[name];
            if (v === undefined || v === null) continue;
            if (!Number.isInteger(v) || v < 1) {
              throw new PocketformerError('INVALID_ARGUMENT', `${name} must be a whole number >= 1 (got ${v})`);
            }
            settings[name] = v;
          }
          const index = byteToIndex(context);
          return task.run(question, context, settings).map((a) => {
            const start = index(a.start);
            const end = index(a.end);
            return { answer: context.slice(start, end), score: a.score, start, end };
          });
        },
      },
    };
  },
};
