// What the encoder task adapters share: loading a C++ task class from the
// model files, checking inputs the page sent (it may be another origin's
// code), and turning the runtime's UTF-8 byte offsets into string indices.
import { PocketformerError } from '../errors.js';
import { requireFile, textOf } from './files.js';
import { encoderShardNames } from '../encoder-files.js';

/**
 * What an encoder's runtime class loads from: config.json text; the weights
 * (model.safetensors bytes, or [{name, bytes}] per shard of a sharded
 * checkpoint); the tokenizer (tokenizer.json with tokenizer_config.json, or
 * vocab.txt text when there is no tokenizer.json). For a model.gguf: config
 * '', the GGUF bytes as the weights, no tokenizer (the file has it).
 * @param {Record<string, Uint8Array>} files
 */
export function encoderInputs(files) {
  // A GGUF encoder: config "" tells the runtime the weights are the whole model.
  if (files['model.gguf']) return { config: '', weights: files['model.gguf'], tokenizer: '', gguf: true };
  const config = textOf(requireFile(files, 'config.json'));
  const shards = encoderShardNames(files);
  const weights = shards.length
    ? shards.map((name) => ({ name, bytes: requireFile(files, name) }))
    : requireFile(files, 'model.safetensors');
  const tokenizer = files['tokenizer.json']
    ? {
        tokenizerJson: textOf(files['tokenizer.json']),
        tokenizerConfig: files['tokenizer_config.json'] ? textOf(files['tokenizer_config.json']) : undefined,
      }
    : textOf(requireFile(files, 'vocab.txt'));
  return { config, weights, tokenizer };
}

/**
 * Loads `Class` (an Embind task class with a static load) from the model files.
 * @param {any} Class @param {Record<string, Uint8Array>} files @param {{dtype?: string}} options
 */
export function loadEncoderTask(Class, files, options) {
  const { config, weights, tokenizer, gguf } = encoderInputs(files);
  // A GGUF keeps its own precision unless a dtype is asked for.
  return Class.load(config, weights, tokenizer, options.dtype || (gguf ? 'auto' : 'f32'));
}

/** @param {unknown} value @param {string} what */
export function checkString(value, what) {
  if (typeof value !== 'string') {
    throw new PocketformerError('INVALID_ARGUMENT', `${what} must be a string (got ${typeof value})`);
  }
  return value;
}

/** A string or an array of strings -> an array of strings. */
export function stringList(input, what = 'input') {
  const list = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(list)) {
    throw new PocketformerError('INVALID_ARGUMENT', `${what} must be a string or an array of strings`);
  }
  list.forEach((t, i) => checkString(t, `${what} ${i}`));
  return list;
}

/**
 * Maps byte offsets into the UTF-8 encoding of `text` (what the runtime
 * reports) to indices into the JS string (UTF-16 code units). A lone
 * surrogate counts as the 3 bytes Emscripten encodes it with.
 * @param {string} text
 * @returns {(byteOffset: number) => number}
 */
export function byteToIndex(text) {
  /** @type {number[]} */
  const starts = []; // byte offset of each code point, then the end
  /** @type {number[]} */
  const indices = []; // its string index
  let bytes = 0;
  for (let i = 0; i < text.length; ) {
    const cp = /** @type {number} */ (text.codePointAt(i));
    starts.push(bytes);
    indices.push(i);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  starts.push(bytes);
  indices.push(text.length);
  return (offset) => {
    // Binary search: offsets always fall on code point boundaries.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return indices[lo];
  };
}
