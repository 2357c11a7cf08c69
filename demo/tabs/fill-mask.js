// Fill-mask: the model's top guesses for [MASK], each shown in the sentence.
import { errorText, formatMs, h, scoreRow, timed } from '../lib/dom.js';

export default {
  id: 'fill-mask',
  title: 'Fill-mask',
  task: 'fill-mask',
  files: 'A BERT-family masked-LM model: config.json, model.safetensors, vocab.txt.',
  tokens: false,

  create(ctx) {
    let pipe = null;
    const input = h('input', { type: 'search', class: 'query', 'aria-label': 'Sentence with [MASK]',
      value: 'The capital of France is [MASK].' });
    const run = h('button', { type: 'submit', class: 'run', disabled: true }, 'Fill');
    const note = h('p', { class: 'hint result-note', 'aria-live': 'polite' },
      'Write [MASK] where a word is missing; the top 5 guesses are shown.');
    const results = h('ol', { class: 'results labels', 'aria-label': 'Guesses' });

    async function fill() {
      if (!pipe) return;
      run.disabled = true;
      ctx.setState('running');
      try {
        const [out, ms] = await timed(ctx, () => pipe(input.value, { top_k: 5 }));
        // Several masks give one list per mask: show the first mask's.
        const guesses = Array.isArray(out[0]) ? out[0] : out;
        results.replaceChildren(...guesses.map((g) => {
          const row = scoreRow(g.token_str, g.score);
          row.append(h('span', { class: 'sequence' }, g.sequence));
          return row;
        }));
        note.textContent = `${guesses.length} guesses in ${formatMs(ms)}` +
          (Array.isArray(out[0]) ? ` (first of ${out.length} masks).` : '.');
        ctx.setState('done');
      } catch (error) {
        note.textContent = errorText(error);
        ctx.setState('error');
      } finally {
        run.disabled = !pipe;
      }
    }

    const element = h('section', { class: 'card task', 'aria-label': 'Fill-mask' },
      h('h2', {}, 'Fill-mask'),
      h('form', { class: 'query-row', onsubmit: (e) => { e.preventDefault(); fill(); } }, input, run),
      note, results);
    return {
      element,
      onModel(p) { pipe = p; run.disabled = false; },
      onUnload() { pipe = null; run.disabled = true; },
    };
  },
};
