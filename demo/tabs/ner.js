// Named entities, highlighted inline in the text (aggregation 'simple': one
// mark per entity, as Transformers.js and transformers group word pieces).
import { errorText, formatMs, h, markSpans, timed } from '../lib/dom.js';

const PALETTE = 6;

export default {
  id: 'ner',
  title: 'Named entities',
  task: 'token-classification',
  files: 'A BERT-family token-classification model: config.json (id2label), model.safetensors, vocab.txt.',
  tokens: false,

  create(ctx) {
    let pipe = null;
    const colours = new Map(); // entity group -> palette slot, stable per page
    const input = h('textarea', { class: 'input-text', rows: 3, 'aria-label': 'Text with entities' });
    input.value = 'Ada Lovelace worked with Charles Babbage in London on the Analytical Engine.';
    const run = h('button', { type: 'submit', class: 'run', disabled: true }, 'Find entities');
    const note = h('p', { class: 'hint result-note', 'aria-live': 'polite' }, 'Entities are highlighted in the text.');
    const view = h('p', { class: 'marked-text', 'aria-label': 'Text with entities highlighted' });
    const legend = h('ul', { class: 'legend', 'aria-label': 'Entities' });

    function colour(group) {
      if (!colours.has(group)) colours.set(group, colours.size % PALETTE);
      return colours.get(group);
    }

    async function find() {
      if (!pipe) return;
      const text = input.value;
      run.disabled = true;
      ctx.setState('running');
      try {
        const [entities, ms] = await timed(ctx, () => pipe(text, { aggregation_strategy: 'simple' }));
        view.replaceChildren(...markSpans(text, entities, (mark, e) => {
          const group = e.entity_group || e.entity;
          mark.className = `ent c${colour(group)}`;
          mark.dataset.entity = group;
          mark.title = `${group} ${e.score.toFixed(3)}`;
          mark.append(h('span', { class: 'ent-label' }, group));
        }));
        legend.replaceChildren(...entities.map((e) => {
          const group = e.entity_group || e.entity;
          return h('li', {}, h('mark', { class: `ent c${colour(group)}` }, group), ` ${text.slice(e.start, e.end)} `,
            h('span', { class: 'score-value' }, e.score.toFixed(3)));
        }));
        note.textContent = `${entities.length} entit${entities.length === 1 ? 'y' : 'ies'} in ${formatMs(ms)}.`;
        ctx.setState('done');
      } catch (error) {
        note.textContent = errorText(error);
        ctx.setState('error');
      } finally {
        run.disabled = !pipe;
      }
    }

    const element = h('section', { class: 'card task', 'aria-label': 'Named entities' },
      h('h2', {}, 'Named entities'),
      h('form', { onsubmit: (e) => { e.preventDefault(); find(); } }, input, h('div', { class: 'buttons' }, run)),
      note, view, legend);
    return {
      element,
      onModel(p) { pipe = p; run.disabled = false; },
      onUnload() { pipe = null; run.disabled = true; },
    };
  },
};
