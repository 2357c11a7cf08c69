// The bundled default models per task. `npm run demo` (scripts/demo.sh)
// puts them in build/models/; nothing here is fetched from the network.
//
// Each task lists its models in order of preference; the page offers those
// that are present (asked with a HEAD request for `probe`), the first of them
// loaded when the tab opens.
//
// kind says what the numbers mean, and the picker shows it next to the model:
//   'random'       seeded random weights: for testing the runtime only
//   'self-trained' a tiny model trained by this project (demo/models/)
//   'third-party'  a small trained model made by someone else (license noted)

export const KIND_LABELS = {
  random: 'random weights: numbers are meaningless, for testing the runtime only',
  'self-trained': 'tiny self-trained model',
  'third-party': 'small trained model (third party)',
};

// The encoder task heads: seeded random checkpoints made by the test suite's
// generator (tests/reference/make_tiny_bert_heads.py).
function randomHead(dir, what) {
  return {
    url: `../build/models/${dir}/`,
    name: `tiny BERT ${what} head`,
    kind: 'random',
    probe: 'config.json',
    about: 'A seeded, randomly initialised 2-layer BERT with a task head, used by the test suite: ' +
      'it shows the runtime and the page working, not real predictions. Load a trained model above.',
  };
}

// Our own language-ID BERT (scripts/train/, committed in demo/models/): one
// checkpoint with a classifier (7 languages) and a masked-LM head.
function langId(what) {
  return {
    url: './models/lang-id-pruned/',
    name: 'lang-id-pruned (BERT, 466K)',
    kind: 'self-trained',
    probe: 'config.json',
    howTo: 'it is committed in demo/models/ (made by scripts/train/)',
    about:
      `Used here for ${what}. ` +
      'A 2-layer BERT distilled, then heads + FFN pruned, on a 2-core CPU in minutes (see its ' +
      'README.md): language ID over en/de/it/es/pl/cs/ru is right 98% of the time on held-out ' +
      'fortunes; masked-word accuracy is only 5% (too small a model and too short a pre-training ' +
      'for fill-mask). Load a real model above for anything else.',
  };
}

export const DEFAULT_MODELS = {
  'text-classification': [langId('language ID'), randomHead('bert-seq-cls', 'classification')],
  'token-classification': [randomHead('bert-token-cls', 'token-classification')],
  'question-answering': [randomHead('bert-qa', 'question-answering')],
  'fill-mask': [langId('masked LM'), randomHead('bert-mlm', 'masked-LM')],
  'feature-extraction': [
    {
      url: '../build/models/tiny-bert/',
      name: 'tiny BERT (2 layers, 64 dims)',
      kind: 'random',
      probe: 'config.json',
      about:
        'A seeded, randomly initialised BERT used by the test suite. Exact and near-exact ' +
        'matches still rank first (shared tokens give similar embeddings), but the scores ' +
        'carry no meaning. Load a real sentence-embedding model for meaningful search.',
    },
  ],
  'text-generation': [
    {
      // Trained by this project (scripts/train/); committed in demo/models/.
      url: './models/tiny-lm-student/',
      name: 'tiny-lm-student (Llama, 361K parameters)',
      kind: 'self-trained',
      probe: 'config.json',
      howTo: 'it is committed in demo/models/ (made by scripts/train/)',
      about:
        'A 2-layer Llama-style model distilled on a 2-core CPU in minutes (see its README.md): ' +
        'held-out perplexity 140, so expect fortune-flavoured word salad. stories260K (if ' +
        'bundled) writes simple, coherent stories.',
    },
    {
      url: '../build/models/stories260K/',
      name: 'stories260K (llama2.c)',
      kind: 'third-party',
      probe: 'model.bin',
      about:
        "Andrej Karpathy's 260K-parameter Llama trained on TinyStories (MIT license). " +
        'It writes short, simple stories; at this size expect odd sentences.',
    },
  ],
};

export function defaultsFor(task) {
  return DEFAULT_MODELS[task] || [];
}

async function present(entry) {
  try {
    const response = await fetch(new URL(entry.probe, new URL(entry.url, location.href)), { method: 'HEAD' });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The task's bundled models that are present. When none is, all of them:
 * loading the first then says how to make it ('npm run demo').
 */
export async function availableDefaults(task) {
  const all = defaultsFor(task);
  const found = await Promise.all(all.map(present));
  const available = all.filter((_, i) => found[i]);
  return available.length ? available : all;
}
