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

export const DEFAULT_MODELS = {
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
