// The bundled default models per task. `npm run demo` (scripts/demo.sh)
// puts them in build/models/; nothing here is fetched from the network.
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
    about: 'A seeded, randomly initialised 2-layer BERT with a task head, used by the test suite: ' +
      'it shows the runtime and the page working, not real predictions. Load a trained model above.',
  };
}

export const DEFAULT_MODELS = {
  'text-classification': [randomHead('bert-seq-cls', 'classification')],
  'token-classification': [randomHead('bert-token-cls', 'token-classification')],
  'question-answering': [randomHead('bert-qa', 'question-answering')],
  'fill-mask': [randomHead('bert-mlm', 'masked-LM')],
  'feature-extraction': [
    {
      url: '../build/models/tiny-bert/',
      name: 'tiny BERT (2 layers, 64 dims)',
      kind: 'random',
      about:
        'A seeded, randomly initialised BERT used by the test suite. Exact and near-exact ' +
        'matches still rank first (shared tokens give similar embeddings), but the scores ' +
        'carry no meaning. Load a real sentence-embedding model for meaningful search.',
    },
  ],
  'text-generation': [
    {
      url: '../build/models/stories260K/',
      name: 'stories260K (llama2.c)',
      kind: 'third-party',
      about:
        "Andrej Karpathy's 260K-parameter Llama trained on TinyStories (MIT license). " +
        'It writes short, simple stories; at this size expect odd sentences.',
    },
  ],
};

export function defaultsFor(task) {
  return DEFAULT_MODELS[task] || [];
}
