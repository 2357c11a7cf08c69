// Small helpers the adapters share for the file maps they receive.
import { PocketformerError } from '../errors.js';

const decoder = new TextDecoder('utf-8');

/** @param {Record<string, Uint8Array>} files @param {string} name */
export function requireFile(files, name) {
  const bytes = files[name];
  if (!(bytes instanceof Uint8Array)) {
    throw new PocketformerError('MODEL_NOT_FOUND', `${name}: missing from the model files`);
  }
  return bytes;
}

/** @param {Uint8Array} bytes */
export function textOf(bytes) {
  return decoder.decode(bytes);
}
