// Which files an encoder model (BERT, DistilBERT, RoBERTa, XLM-R, ELECTRA)
// needs: one model.gguf (BERT / DistilBERT in llama.cpp's "bert" layout), or
// config.json; tokenizer.json, or vocab.txt when there is none;
// model.safetensors, or model.safetensors.index.json and the shards its
// weight_map lists (fetched in a second round, each with its own progress).
import { PocketformerError } from './errors.js';

export const ENCODER_FILES = {
  required: ['config.json'],
  optional: [
    'model.safetensors',
    'model.safetensors.index.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'vocab.txt',
  ],
};

const decoder = new TextDecoder('utf-8');

/**
 * The shard files a sharded checkpoint still needs ([] when it has
 * model.safetensors or no index).
 * @param {Record<string, Uint8Array>} files
 */
export function encoderShardNames(files) {
  if (files['model.safetensors'] || !files['model.safetensors.index.json']) return [];
  let index;
  try {
    index = JSON.parse(decoder.decode(files['model.safetensors.index.json']));
  } catch {
    throw new PocketformerError('CORRUPT_MODEL', 'model.safetensors.index.json: not valid JSON');
  }
  const map = index && typeof index === 'object' ? index.weight_map : null;
  if (!map || typeof map !== 'object' || Array.isArray(map) || Object.keys(map).length === 0) {
    throw new PocketformerError('CORRUPT_MODEL', 'model.safetensors.index.json: no "weight_map" object');
  }
  const names = [...new Set(Object.values(map))];
  for (const name of names) {
    // Plain file names only: they become URLs next to the index.
    if (typeof name !== 'string' || !/^[^./\\][^/\\]*\.safetensors$/.test(name)) {
      throw new PocketformerError(
        'CORRUPT_MODEL',
        `model.safetensors.index.json: shard name ${JSON.stringify(name)} is not a plain *.safetensors file name`,
      );
    }
  }
  return names;
}

/** After the first round: a tokenizer and weights (or an index) must be there. */
export function checkEncoderFiles(files, where) {
  if (files['model.gguf']) return;
  if (!files['tokenizer.json'] && !files['vocab.txt']) {
    throw new PocketformerError('MODEL_NOT_FOUND', `no tokenizer at ${where}: it needs tokenizer.json or vocab.txt`);
  }
  if (!files['model.safetensors'] && !files['model.safetensors.index.json']) {
    throw new PocketformerError(
      'MODEL_NOT_FOUND',
      `no weights at ${where}: it needs model.safetensors or model.safetensors.index.json and its shards`,
    );
  }
}

/** sentence-transformers' module files, read when present (feature-extraction). */
export const SENTENCE_TRANSFORMERS_FILES = ['modules.json', '1_Pooling/config.json'];

function parseJson(files, name) {
  try {
    return JSON.parse(decoder.decode(files[name]));
  } catch {
    throw new PocketformerError('BAD_CONFIG', `${name}: not valid JSON`);
  }
}

/**
 * The embedding a sentence-transformers model is meant to give: its Pooling
 * module's mode (cls / mean / max) and whether a Normalize module follows.
 * Used as feature-extraction's defaults; explicit call options win. Modes
 * the runtime has no equivalent for (mean_sqrt_len, weighted, last token, or
 * several modes concatenated) leave the pooling default at 'none'.
 * @param {Record<string, Uint8Array>} files
 * @returns {{poolingDefaults?: {pooling?: string, normalize: boolean}}}
 */
export function sentenceTransformersDefaults(files) {
  if (!files['modules.json']) return {};
  const modules = parseJson(files, 'modules.json');
  if (!Array.isArray(modules)) throw new PocketformerError('BAD_CONFIG', 'modules.json: not an array');
  const type = (m) => (m && typeof m.type === 'string' ? m.type : '');
  const normalize = modules.some((m) => type(m).endsWith('.Normalize'));
  /** @type {{pooling?: string, normalize: boolean}} */
  const defaults = { normalize };
  const pooling = modules.find((m) => type(m).endsWith('.Pooling'));
  if (pooling && pooling.path === '1_Pooling' && files['1_Pooling/config.json']) {
    const config = parseJson(files, '1_Pooling/config.json');
    const modes = [
      ['cls', config.pooling_mode_cls_token],
      ['mean', config.pooling_mode_mean_tokens],
      ['max', config.pooling_mode_max_tokens],
      ['', config.pooling_mode_mean_sqrt_len_tokens],
      ['', config.pooling_mode_weightedmean_tokens],
      ['', config.pooling_mode_lasttoken],
    ].filter(([, on]) => on === true);
    if (modes.length === 1 && modes[0][0]) defaults.pooling = modes[0][0];
  }
  return { poolingDefaults: defaults };
}
