// Task name -> runtime adapter. An adapter turns a map of model files into a
// loaded model: {info, methods: {name(args, ctx)}, delete()}.
import { featureExtraction } from './feature-extraction.js';
import { textGeneration } from './text-generation.js';

/** @type {Record<string, {load: Function}>} */
export const ADAPTERS = {
  'feature-extraction': featureExtraction,
  'text-generation': textGeneration,
};
