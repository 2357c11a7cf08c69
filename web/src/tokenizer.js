// The object AutoTokenizer.from_pretrained() returns: a Transformers.js-style
// tokenizer whose C++ Tokenizer lives in the runtime (the worker by default)
// behind the same request queue, abort and dispose() as the pipelines.
// Because of the worker every method returns a Promise.
//
//   const tok = await AutoTokenizer.from_pretrained('org/model');
//   const { input_ids, attention_mask } = await tok(['a', 'b c'], { padding: true });
//   const ids = await tok.encode('text');            // number[]
//   const text = await tok.decode(ids, { skip_special_tokens: true });
import { PocketformerError } from './errors.js';
import { Pipeline } from './pipelines/base.js';
import { renderChatTemplate } from './chat-template.js';
import { Tensor } from './tensor.js';

/** Any id list (number[], typed array, BigInt64Array, 1-row Tensor) -> Int32Array. */
function idArray(ids) {
  const data = ids instanceof Tensor ? ids.data : ids;
  if (!data || typeof data.length !== 'number') {
    throw new PocketformerError('INVALID_ARGUMENT', 'ids must be an array of token ids');
  }
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

function rowsOf(batch) {
  if (batch instanceof Tensor) {
    const n = batch.dims.length === 2 ? batch.dims[0] : 1;
    const width = batch.data.length / Math.max(1, n);
    return Array.from({ length: n }, (_, i) => batch.data.slice(i * width, (i + 1) * width));
  }
  if (!Array.isArray(batch)) throw new PocketformerError('INVALID_ARGUMENT', 'batch must be an array of id lists');
  return batch;
}

function textList(value, what) {
  const list = Array.isArray(value) ? value : [value];
  for (const t of list) {
    if (typeof t !== 'string') throw new PocketformerError('INVALID_ARGUMENT', `${what} must be a string or an array of strings`);
  }
  return list;
}

// Rows of equal length -> one int64 [rows, width] tensor, as Transformers.js returns.
function int64Tensor(rows, field) {
  const width = rows.length ? rows[0][field].length : 0;
  if (rows.some((r) => r[field].length !== width)) {
    throw new PocketformerError(
      'INVALID_ARGUMENT',
      'the texts encode to different lengths: pass padding: true (and/or truncation: true) to batch them',
    );
  }
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((r, i) => {
    const src = r[field];
    for (let k = 0; k < width; k++) data[i * width + k] = BigInt(src[k]);
  });
  return new Tensor(data, [rows.length, width], 'int64');
}

export class PreTrainedTokenizer extends Pipeline {
  constructor(state) {
    const self = /** @type {any} */ (super({ ...state, task: 'tokenizer' }));
    self._chatTemplate = state.chatTemplate || null;
    self.chat_template = self._chatTemplate ? self._chatTemplate.template : null;
    self.model_max_length = state.info.modelMaxLength ?? null;
    for (const [key, text] of Object.entries(state.info.specialTokens || {})) self[key] = text;
    return self;
  }

  _run(method, args, signal) {
    return this._enqueue((combined) => this._engine.call(this._handle, method, args, { signal: combined }), signal);
  }

  /**
   * tokenizer(texts, {text_pair, add_special_tokens, padding, truncation,
   * max_length, stride, return_overflowing_tokens, return_tensor,
   * return_offsets_mapping, return_word_ids}) ->
   * {input_ids, attention_mask, token_type_ids} as int64 [batch, length] Tensors
   * (number[][] with return_tensor: false; plus offset_mapping: [start, end]
   * UTF-16 pairs per text, and word_ids as Python's BatchEncoding.word_ids(),
   * when asked).
   */
  _call(text, options = {}) {
    let texts;
    let pairs = null;
    try {
      texts = textList(text, 'text');
      if (options.text_pair != null) {
        pairs = textList(options.text_pair, 'text_pair');
        if (pairs.length !== texts.length) {
          throw new PocketformerError('INVALID_ARGUMENT', 'text and text_pair must have the same length');
        }
      }
    } catch (e) {
      return Promise.reject(e);
    }
    const {
      signal, text_pair: _pair, return_offsets_mapping: offsets, return_word_ids: wordIds, return_token_type_ids,
      return_tensor = true, ...rest
    } = options;
    return this._run('encodeBatch', { texts, pairs, options: rest }, signal).then((encodings) => {
      // With return_overflowing_tokens every window is a row of its own, and
      // overflow_to_sample_mapping says which text it came from (as transformers).
      const rows = [];
      const sampleOf = [];
      encodings.forEach((e, i) => {
        for (const row of [e, ...(rest.return_overflowing_tokens ? e.overflowing || [] : [])]) {
          rows.push(row);
          sampleOf.push(i);
        }
      });
      const field = return_tensor
        ? (name) => int64Tensor(rows, name)
        : (name) => rows.map((r) => Array.from(r[name]));
      const out = { input_ids: field('ids'), attention_mask: field('attentionMask') };
      if (return_token_type_ids !== false) out.token_type_ids = field('typeIds');
      if (rest.return_overflowing_tokens) out.overflow_to_sample_mapping = sampleOf;
      if (offsets) {
        out.offset_mapping = rows.map((r) =>
          Array.from({ length: r.ids.length }, (_, k) => [r.offsets[2 * k], r.offsets[2 * k + 1]]));
      }
      if (wordIds) out.word_ids = rows.map((r) => Array.from(r.wordIds, (w) => (w < 0 ? null : w)));
      return out;
    });
  }

  /**
   * Token ids of one text (or text pair).
   * @param {string} text
   * @param {{text_pair?: string|null, add_special_tokens?: boolean, truncation?: boolean, max_length?: number, signal?: AbortSignal}} [options]
   * @returns {Promise<number[]>}
   */
  encode(text, options = {}) {
    if (typeof text !== 'string') return Promise.reject(new PocketformerError('INVALID_ARGUMENT', 'text must be a string'));
    const { signal, text_pair = null, ...rest } = options;
    return this._run('encode', { text, pair: text_pair, options: rest }, signal).then((e) => Array.from(e.ids));
  }

  /** @returns {Promise<string>} */
  decode(ids, { skip_special_tokens = false, signal } = {}) {
    let arr;
    try {
      arr = idArray(ids);
    } catch (e) {
      return Promise.reject(e);
    }
    return this._run('decode', { ids: arr, skipSpecial: skip_special_tokens }, signal);
  }

  /** @returns {Promise<string[]>} */
  batch_decode(batch, { skip_special_tokens = false, signal } = {}) {
    let rows;
    try {
      rows = rowsOf(batch).map(idArray);
    } catch (e) {
      return Promise.reject(e);
    }
    return this._run('decodeBatch', { batch: rows, skipSpecial: skip_special_tokens }, signal);
  }

  /** Token string -> id (undefined when absent, as Transformers.js' model.tokens_to_ids.get). */
  async convert_tokens_to_ids(token) {
    const id = await this._run('tokenToId', { token });
    return id >= 0 ? id : undefined;
  }

  /**
   * Renders a conversation with the chat template; by default tokenizes it
   * too (special tokens come from the template itself).
   * @param {{role: string, content: string}[]} conversation
   * @param {{add_generation_prompt?: boolean, tokenize?: boolean, return_tensor?: boolean,
   *   chat_template?: string, [key: string]: unknown}} [options] other keys are template variables
   */
  async apply_chat_template(conversation, options = {}) {
    const { tokenize = true, return_tensor = true, chat_template, signal, ...variables } = options;
    const template = chat_template ? { ...(this._chatTemplate || {}), template: chat_template } : this._chatTemplate;
    const text = await renderChatTemplate(template, conversation, variables);
    if (!tokenize) return text;
    const ids = await this.encode(text, { add_special_tokens: false, signal });
    if (!return_tensor) return ids;
    return new Tensor(BigInt64Array.from(ids, (v) => BigInt(v)), [1, ids.length], 'int64');
  }
}
