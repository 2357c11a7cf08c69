// Extractive question answering: the answer span highlighted in its context.
import { errorText, formatMs, h, markSpans, timed } from '../lib/dom.js';

export default {
  id: 'qa',
  title: 'Question answering',
  task: 'question-answering',
  files: 'A BERT-family question-answering model: config.json, model.safetensors, vocab.txt.',
  tokens: false,

  create(ctx) {
    let pipe = null;
    const context = h('textarea', { class: 'input-text', rows: 4, 'aria-label': 'Context' });
    context.value = 'The Eiffel Tower was built for the 1889 World Fair in Paris. It is 330 metres tall ' +
      'and was the tallest man-made structure in the world until 1930.';
    const question = h('input', { type: 'search', class: 'query', 'aria-label': 'Question', value: 'How tall is the Eiffel Tower?' });
    const run = h('button', { type: 'submit', class: 'run', disabled: true }, 'Answer');
    const note = h('p', { class: 'hint result-note', 'aria-live': 'polite' }, 'The answer is a span of the context.');
    const answer = h('p', { class: 'answer', 'aria-label': 'Answer' });
    const view = h('p', { class: 'marked-text', 'aria-label': 'Context with the answer highlighted' });

    async function ask() {
      if (!pipe) return;
      const text = context.value;
      run.disabled = true;
      ctx.setState('running');
      try {
        const [best, ms] = await timed(ctx, () => pipe(question.value, text));
        if (!best) {
          answer.textContent = '';
          view.replaceChildren(text);
          note.textContent = `No answer (the context has no tokens) · ${formatMs(ms)}.`;
        } else {
          answer.replaceChildren(h('strong', {}, best.answer), ' ', h('span', { class: 'score-value' }, `score ${best.score.toFixed(3)}`));
          view.replaceChildren(...markSpans(text, [best], (mark) => { mark.className = 'answer-mark'; }));
          note.textContent = `Answered in ${formatMs(ms)} (characters ${best.start}–${best.end}).`;
        }
        ctx.setState('done');
      } catch (error) {
        note.textContent = errorText(error);
        ctx.setState('error');
      } finally {
        run.disabled = !pipe;
      }
    }

    const element = h('section', { class: 'card task', 'aria-label': 'Question answering' },
      h('h2', {}, 'Question answering'),
      h('form', { onsubmit: (e) => { e.preventDefault(); ask(); } },
        context, h('div', { class: 'query-row spaced' }, question, run)),
      note, answer, view);
    return {
      element,
      onModel(p) { pipe = p; run.disabled = false; },
      onUnload() { pipe = null; run.disabled = true; },
    };
  },
};
