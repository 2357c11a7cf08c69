// Language ID through pocketformer's public API: the held-out documents, the model files
// and the predicted labels per dtype.  Shared by runtime_accuracy.mjs (model cards) and
// tests/js/langid-agreement.test.mjs (the issue-5 agreement test).
import fs from 'node:fs';
import path from 'node:path';

import { pipeline } from '../../web/src/index.js';

/** The first `n` "<lang>\t<text>" lines of a prepare_data.py test split (text cut to 1000 chars). */
export function heldOutDocuments(tsv, n) {
  return fs.readFileSync(tsv, 'utf8').split('\n').filter(Boolean).slice(0, n).map((line) => {
    const tab = line.indexOf('\t');
    return { lang: line.slice(0, tab), text: line.slice(tab + 1, tab + 1 + 1000) };
  });
}

export function encoderFiles(dir) {
  return Object.fromEntries(['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json']
    .map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

/** Top label of every text, in batches of 64, with the model loaded in `dtype`. */
export async function predictLabels(files, dtype, texts) {
  const classifier = await pipeline('text-classification', files, { dtype });
  try {
    const labels = [];
    for (let i = 0; i < texts.length; i += 64) {
      for (const r of await classifier(texts.slice(i, i + 64))) labels.push(r.label);
    }
    return labels;
  } finally {
    await classifier.dispose();
  }
}

/** Share of positions where two equally long label lists agree. */
export const agreement = (a, b) => a.filter((x, i) => x === b[i]).length / a.length;

/** Accuracy per dtype and argmax agreement with f32 on `docs`. */
export async function measureLanguageId(modelDir, docs) {
  const files = encoderFiles(modelDir);
  const texts = docs.map((d) => d.text), gold = docs.map((d) => d.lang);
  const f32 = await predictLabels(files, 'f32', texts);
  const dtypes = [];
  for (const dtype of ['f32', 'int8', 'q4']) {
    const got = dtype === 'f32' ? f32 : await predictLabels(files, dtype, texts);
    dtypes.push({ dtype, accuracy: agreement(got, gold), agreement_with_f32: agreement(got, f32) });
  }
  return { documents: docs.length, dtypes };
}
