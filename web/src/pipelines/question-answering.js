// pipeline('question-answering'):
//   await qa('Where do I live?', 'My name is Wolfgang and I live in Berlin')
//   // {answer: 'berlin'-span of the context, score, start, end}
//   await qa(question, context, {top_k: 3})   // [{answer, score, start, end}, ...]
// Options as transformers: top_k (1), max_answer_len (15), max_seq_len
// (min(384, model positions)), doc_stride (min(max_seq_len / 2, 128)): long
// contexts are read in overlapping windows and the best span over all of
// them wins. start/end index into the context string. With top_k 1 the
// answer object itself is returned (null when the context has no tokens).
import { PocketformerError } from '../errors.js';
import { Pipeline } from './base.js';

export class QuestionAnsweringPipeline extends Pipeline {
  /**
   * @param {string} question
   * @param {string} context
   * @param {{top_k?: number, max_answer_len?: number, doc_stride?: number,
   *   max_seq_len?: number, signal?: AbortSignal}} [options]
   */
  _call(question, context, options = {}) {
    if (typeof question !== 'string' || typeof context !== 'string') {
      return Promise.reject(
        new PocketformerError('INVALID_ARGUMENT', 'question and context must be strings'));
    }
    const { top_k = 1, max_answer_len, doc_stride, max_seq_len, signal } = options;
    return this._enqueue(async (s) => {
      const answers = await this._engine.call(
        this._handle, 'run',
        { question, context, options: { top_k, max_answer_len, doc_stride, max_seq_len } },
        { signal: s });
      return top_k === 1 ? answers[0] ?? null : answers;
    }, signal);
  }
}
