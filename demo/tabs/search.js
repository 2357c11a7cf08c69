// Semantic search: embeds a small corpus once, embeds the query, ranks the
// corpus by cosine similarity (mean-pooled, L2-normalised embeddings).
import { cosine, errorText, formatMs, h } from '../lib/dom.js';

export const CORPUS = [
  'Plants turn sunlight, water and carbon dioxide into sugar by photosynthesis.',
  'The cat slept all afternoon on the warm windowsill.',
  'A dog chased the ball across the park.',
  'The stock market fell sharply after the interest rate announcement.',
  'Central banks raise rates to slow down inflation.',
  'The recipe needs two eggs, flour, butter and a pinch of salt.',
  'Bake the bread for forty minutes until the crust is golden.',
  'The football team won the championship in the final minute.',
  'She ran the marathon in under three hours.',
  'The telescope revealed thousands of distant galaxies.',
  'Mars has the largest volcano in the solar system.',
  'Regular exercise and sleep improve your mood.',
  'The doctor said to drink more water and rest.',
  'Python and JavaScript are popular programming languages.',
  'The browser compiles WebAssembly to fast machine code.',
  'Heavy rain and strong winds are expected tomorrow.',
  'The river flooded the valley after the storm.',
  'The museum opened a new exhibition of impressionist paintings.',
  'He practised the piano every evening before dinner.',
  'The train to the airport leaves every fifteen minutes.',
];

// The best few are shown; the rest behind a button.
const SHOWN = 8;

export default {
  id: 'search',
  title: 'Semantic search',
  task: 'feature-extraction',
  files: 'A BERT-family model: config.json, model.safetensors, vocab.txt.',
  tokens: false,

  create(ctx) {
    let pipe = null;
    let corpusCache = null; // {pipe, text, sentences, vectors}

    const query = h('input', { type: 'search', class: 'query', placeholder: 'Ask something…',
      'aria-label': 'Search query', value: 'How do plants make food?' });
    const button = h('button', { type: 'submit', class: 'run', disabled: true }, 'Search');
    const corpus = h('textarea', { class: 'corpus', rows: 8, spellcheck: 'false', 'aria-label': 'Corpus, one sentence per line' });
    corpus.value = CORPUS.join('\n');
    const results = h('ol', { class: 'results', 'aria-label': 'Ranked sentences' });
    const more = h('button', { type: 'button', class: 'more secondary', hidden: true, onclick: () => {
      for (const li of results.children) li.hidden = false;
      more.hidden = true;
    } });
    const note = h('p', { class: 'hint result-note', 'aria-live': 'polite' },
      'Results are ranked by cosine similarity of mean-pooled, normalised embeddings.');

    async function embed(texts) {
      const started = performance.now();
      const out = await pipe(texts, { pooling: 'mean', normalize: true });
      const ms = performance.now() - started;
      ctx.record(ms);
      const dim = out.dims[out.dims.length - 1];
      return { ms, vectors: texts.map((_, i) => out.data.subarray(i * dim, (i + 1) * dim)) };
    }

    async function search() {
      if (!pipe) return;
      const text = query.value.trim();
      if (!text) return;
      button.disabled = true;
      ctx.setState('running');
      try {
        const sentences = corpus.value.split('\n').map((s) => s.trim()).filter(Boolean);
        let corpusNote = '';
        if (!corpusCache || corpusCache.pipe !== pipe || corpusCache.text !== sentences.join('\n')) {
          const { ms, vectors } = await embed(sentences);
          corpusCache = { pipe, text: sentences.join('\n'), sentences, vectors };
          corpusNote = ` Corpus of ${sentences.length} sentences embedded in ${formatMs(ms)}.`;
        }
        const { ms, vectors: [q] } = await embed([text]);
        const ranked = corpusCache.sentences
          .map((sentence, i) => ({ sentence, score: cosine(q, corpusCache.vectors[i]) }))
          .sort((a, b) => b.score - a.score);
        results.replaceChildren(...ranked.map(({ sentence, score }, rank) =>
          h('li', { dataset: { score: String(score) }, hidden: rank >= SHOWN },
            h('span', { class: 'result-text' }, sentence),
            h('span', { class: 'score' },
              h('span', { class: 'score-bar' }, h('span', { style: `width:${Math.max(0, score) * 100}%` })),
              h('span', { class: 'score-value' }, score.toFixed(3))))));
        more.hidden = ranked.length <= SHOWN;
        more.textContent = `Show all ${ranked.length}`;
        note.textContent = `Query embedded in ${formatMs(ms)}.${corpusNote}`;
        ctx.setState('done');
      } catch (error) {
        note.textContent = errorText(error);
        ctx.setState('error');
      } finally {
        button.disabled = !pipe;
      }
    }

    const element = h('section', { class: 'card task', 'aria-label': 'Semantic search' },
      h('h2', {}, 'Semantic search'),
      h('form', { class: 'query-row', onsubmit: (e) => { e.preventDefault(); search(); } }, query, button),
      h('details', { class: 'corpus-box' },
        h('summary', {}, `Corpus (${CORPUS.length} sentences, editable: one per line)`), corpus),
      note, results, more);

    return {
      element,
      onModel(p) {
        pipe = p;
        button.disabled = false;
      },
      onUnload() {
        pipe = null;
        corpusCache = null;
        button.disabled = true;
      },
    };
  },
};
