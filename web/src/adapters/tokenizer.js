// Runtime adapter for AutoTokenizer: a C++ Tokenizer (src/tokenizers/) from
// tokenizer.json (+ tokenizer_config.json), or from vocab.txt (BERT
// WordPiece, lowercased unless tokenizer_config.json says do_lower_case:
// false). Encodings come back as typed arrays; offsets are UTF-16 indices.
import { PocketformerError } from '../errors.js';
import { tokenizerConfigOf, tokenText } from '../chat-template.js';
import { textOf } from './files.js';

export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt'];

/** Transformers.js-style options -> the Embind Tokenizer's options. */
function encodeOptions(o, defaults) {
  const out = { addSpecialTokens: o.add_special_tokens !== false };
  const maxLength = o.max_length ?? null;
  // As transformers: a max_length without a truncation setting truncates too.
  if (o.truncation === true || typeof o.truncation === 'string' || (o.truncation == null && maxLength != null)) {
    const limit = maxLength ?? defaults.modelMaxLength;
    if (limit != null) out.maxLength = limit;
    if (typeof o.truncation === 'string') out.truncation = o.truncation;
    if (o.stride) out.stride = o.stride;
  }
  if (o.return_overflowing_tokens) out.returnOverflowing = true;
  if (o.truncation_side) out.truncationSide = o.truncation_side;
  if (o.padding === true || o.padding === 'longest') out.padding = 'longest';
  else if (o.padding === 'max_length') {
    const length = maxLength ?? defaults.modelMaxLength;
    if (length == null) throw new PocketformerError('INVALID_ARGUMENT', "padding: 'max_length' needs max_length");
    out.padding = 'max_length';
    out.padLength = length;
  } else if (o.padding === false || o.padding == null) out.padding = false;
  else throw new PocketformerError('INVALID_ARGUMENT', `unknown padding '${o.padding}'`);
  if (o.pad_to_multiple_of) out.padToMultipleOf = o.pad_to_multiple_of;
  if (o.padding_side) out.paddingSide = o.padding_side;
  else if (defaults.paddingSide) out.paddingSide = defaults.paddingSide;
  if (defaults.padId != null) {
    out.padId = defaults.padId;
    out.padToken = defaults.padToken;
  }
  return out;
}

export const tokenizer = {
  /**
   * @param {any} Module
   * @param {Record<string, Uint8Array>} files
   */
  load(Module, files) {
    const config = tokenizerConfigOf(files) || {};
    let tok;
    let source;
    if (files['tokenizer.json']) {
      source = 'tokenizer.json';
      const cfg = files['tokenizer_config.json'] ? textOf(files['tokenizer_config.json']) : undefined;
      tok = Module.Tokenizer.fromJson(textOf(files['tokenizer.json']), cfg);
    } else if (files['vocab.txt']) {
      source = 'vocab.txt';
      tok = Module.Tokenizer.fromVocabTxt(textOf(files['vocab.txt']), config.do_lower_case !== false);
    } else {
      throw new PocketformerError('MODEL_NOT_FOUND', 'a tokenizer needs tokenizer.json or vocab.txt');
    }
    try {
      const padToken = tokenText(config.pad_token) || null;
      const padId = padToken ? tok.tokenToId(padToken) : -1;
      const maxLength = Number(config.model_max_length);
      const defaults = {
        padId: padId >= 0 ? padId : null,
        padToken: padId >= 0 ? padToken : null,
        // transformers writes a huge sentinel when the model sets no limit.
        modelMaxLength: Number.isInteger(maxLength) && maxLength > 0 && maxLength < 1e9 ? maxLength : null,
        paddingSide: config.padding_side === 'left' ? 'left' : null,
      };
      const special = {};
      for (const key of ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token']) {
        const text = tokenText(config[key]);
        if (text && tok.tokenToId(text) >= 0) special[key] = text;
      }
      return {
        info: { format: source, vocabSize: tok.vocabSize(), modelMaxLength: defaults.modelMaxLength, specialTokens: special },
        methods: {
          encode: ({ text, pair = null, options = {} }) => tok.encode(text, pair, encodeOptions(options, defaults)),
          encodeBatch: ({ texts, pairs = null, options = {} }) =>
            tok.encodeBatch(texts, pairs, encodeOptions(options, defaults)),
          decode: ({ ids, skipSpecial = false }) => tok.decode(ids, skipSpecial),
          decodeBatch: ({ batch, skipSpecial = false }) => batch.map((ids) => tok.decode(ids, skipSpecial)),
          tokenToId: ({ token }) => tok.tokenToId(token),
          idToToken: ({ id }) => tok.idToToken(id),
        },
        delete() {
          tok.delete();
        },
      };
    } catch (e) {
      tok.delete();
      throw e;
    }
  },
};
