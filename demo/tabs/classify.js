// Text classification: every label of the model with its score, best first.
import { errorText, formatMs, h, scoreRow, timed } from '../lib/dom.js';

export default {
  id: 'classify',
  title: 'Classification',
  task: 'text-classification',
  files: 'A BERT-family sequence-classification model: config.json (id2label), model.safetensors, vocab.txt.',
  tokens: false,

  create(ctx) {
    let pipe = null;
    const input = h('textarea', { class: 'input-text', rows: 3, 'aria-label': 'Text to classify' });
    input.value = 'The film was a delight from start to finish, funny and warm.';
    const run = h('button', { type: 'submit', class: 'run', disabled: true }, 'Classify');
    const note = h('p', { class: 'hint result-note', 'aria-live': 'polite' }, 'Scores for every label of the model.');
    const results = h('ol', { class: 'results labels', 'aria-label': 'Labels' });

    async function classify() {
      if (!pipe) return;
      run.disabled = true;
      ctx.setState('running');
      try {
        const [labels, ms] = await timed(ctx, () => pipe(input.value, { top_k: null }));
        results.replaceChildren(...labels.map(({ label, score }) => scoreRow(label, score)));
        note.textContent = `${labels.length} labels in ${formatMs(ms)}.`;
        ctx.setState('done');
      } catch (error) {
        note.textContent = errorText(error);
        ctx.setState('error');
      } finally {
        run.disabled = !pipe;
      }
    }

    const element = h('section', { class: 'card task', 'aria-label': 'Text classification' },
      h('h2', {}, 'Text classification'),
      h('form', { onsubmit: (e) => { e.preventDefault(); classify(); } },
        input, h('div', { class: 'buttons' }, run)),
      note, results);
    return {
      element,
      onModel(p) { pipe = p; run.disabled = false; },
      onUnload() { pipe = null; run.disabled = true; },
    };
  },
};
