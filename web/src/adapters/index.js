// Task name -> runtime adapter. An adapter turns a map of model files into a
// loaded model: {info, methods: {name(args, ctx)}, delete()}.
import { featureExtraction } from './feature-extraction.js';
import { textGeneration } from './text-generation.js';
import { fillMask } from './fill-mask.js';
import { questionAnswering } from './question-answering.js';
import { textClassification } from './text-classification.js';
import { tokenClassification } from './token-classification.js';
import { zeroShotClassification } from './zero-shot-classification.js';
import { tokenizer } from './tokenizer.js';
import { convert } from './convert.js';

/** @type {Record<string, {load: Function}>} */
export const ADAPTERS = {
  'feature-extraction': featureExtraction,
  'text-generation': textGeneration,
  'text-classification': textClassification,
  'token-classification': tokenClassification,
  'question-answering': questionAnswering,
  'fill-mask': fillMask,
  'zero-shot-classification': zeroShotClassification,
  tokenizer,
  convert,
};
