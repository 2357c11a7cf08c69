// pipeline('text-generation'):
//   const out = await generator('Once upon a time', {max_new_tokens: 50});
//   out[0].generated_text                  // prompt + continuation (return_full_text)
//   for await (const text of generator.stream(prompt, options)) ...   // token by token
//   options.callback_function = (text) => ...                          // the same, as a callback
// Chat input (an array of {role, content}) is rendered with the model's chat
// template (tokenizer_config.json) by @huggingface/jinja; generated_text is
// then the messages with the assistant's reply appended.
import { PocketformerError } from '../errors.js';
import { Pipeline } from './base.js';
import { renderChatTemplate } from '../chat-template.js';

const NUMBER_OPTIONS = {
  max_new_tokens: [1, 1 << 20],
  temperature: [0, 100],
  top_k: [0, 1 << 24],
  top_p: [0, 1],
  min_p: [0, 1],
  repetition_penalty: [0.01, 100],
  presence_penalty: [-100, 100],
  seed: [0, 2 ** 32 - 1],
};

/** Checks and normalizes generation options into what the runtime takes. */
export function generationOptions(options, defaults = {}) {
  const merged = { ...defaults, ...options };
  /** @type {Record<string, number|boolean|string[]>} */
  const out = {};
  for (const [name, [lo, hi]] of Object.entries(NUMBER_OPTIONS)) {
    const v = merged[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
      throw new PocketformerError('INVALID_ARGUMENT', `${name} must be a number in [${lo}, ${hi}] (got ${v})`);
    }
    out[name] = v;
  }
  if (merged.do_sample !== undefined) out.do_sample = !!merged.do_sample;
  let stop = merged.stop ?? merged.stop_strings ?? [];
  if (typeof stop === 'string') stop = [stop];
  if (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string' || s === '')) {
    throw new PocketformerError('INVALID_ARGUMENT', 'stop must be a non-empty string or an array of them');
  }
  out.stop = stop;
  return out;
}

export class TextGenerationPipeline extends Pipeline {
  constructor(state) {
    const self = /** @type {any} */ (super(state));
    self._generationDefaults = state.info.generationConfig || {};
    self._chatTemplate = state.chatTemplate || null;
    self.tokenizer = {
      encode: (text, { add_special_tokens = true } = {}) =>
        self._enqueue(async () =>
          Array.from(await self._engine.call(self._handle, 'encode', { text, addSpecial: add_special_tokens }))),
      decode: (ids, { skip_special_tokens = false } = {}) =>
        self._enqueue(() =>
          self._engine.call(self._handle, 'decode', { ids: Int32Array.from(ids), skipSpecial: skip_special_tokens })),
      apply_chat_template: (messages, options) => self._applyChatTemplate(messages, options),
    };
    return self;
  }

  /**
   * Renders chat messages to the prompt text with the model's template.
   * @param {{role: string, content: string}[]} messages
   */
  async _applyChatTemplate(messages, { add_generation_prompt = true, tokenize = false } = {}) {
    const text = await renderChatTemplate(this._chatTemplate, messages, { add_generation_prompt });
    return tokenize ? this.tokenizer.encode(text, { add_special_tokens: false }) : text;
  }

  /**
   * @param {string|{role: string, content: string}[]} input
   * @param {object} [options] max_new_tokens, do_sample, temperature, top_k, top_p,
   *   min_p, repetition_penalty, presence_penalty, seed, stop, return_full_text,
   *   callback_function(text), signal
   */
  _call(input, options = {}) {
    return this._generate(input, options, options.callback_function);
  }

  _generate(input, options, onText) {
    let settings;
    try {
      settings = generationOptions(options, this._generationDefaults);
    } catch (e) {
      return Promise.reject(e);
    }
    const chat = Array.isArray(input);
    if (!chat && typeof input !== 'string') {
      return Promise.reject(new PocketformerError(
        'INVALID_ARGUMENT', 'input must be a string or an array of chat messages'));
    }
    return this._enqueue(async (signal) => {
      const prompt = chat ? await this._applyChatTemplate(input) : input;
      // A chat template writes the special tokens itself.
      const result = await this._engine.call(
        this._handle,
        'generate',
        { prompt, addSpecial: !chat, options: settings },
        {
          signal,
          onEvent: (event) => {
            if (typeof onText !== 'function' || !event || typeof event.text !== 'string') return;
            try {
              onText(event.text);
            } catch (e) {
              if (typeof console !== 'undefined') console.error('callback_function threw:', e);
            }
          },
        },
      );
      // Details of the last call: new token ids, why it stopped, timings.
      this.lastResult = { tokens: Array.from(result.ids), stopReason: result.stopReason, stats: result.stats };
      if (chat) {
        return [{ generated_text: [...input, { role: 'assistant', content: result.text }] }];
      }
      const full = options.return_full_text ?? true;
      return [{ generated_text: full ? input + result.text : result.text }];
    }, options.signal);
  }

  /**
   * Streams the continuation: yields each new piece of text as it is made
   * (never half a UTF-8 character). Breaking out of the loop stops generation.
   * @returns {AsyncIterableIterator<string>}
   */
  stream(input, options = {}) {
    /** @type {string[]} */
    const queue = [];
    let wake = () => {};
    let finished = false;
    /** @type {unknown} */
    let failure = null;
    const controller = new AbortController();
    const signals = [controller.signal, options.signal].filter(Boolean);
    const signal = signals.length > 1 && typeof AbortSignal.any === 'function'
      ? AbortSignal.any(signals)
      : controller.signal;
    if (options.signal && signal === controller.signal) {
      options.signal.addEventListener('abort', () => controller.abort(options.signal.reason), { once: true });
    }
    const done = this._generate(input, { ...options, signal }, (text) => {
      queue.push(text);
      wake();
    }).then(
      () => { finished = true; wake(); },
      (e) => { failure = e; finished = true; wake(); },
    );
    const iterator = {
      [Symbol.asyncIterator]() { return iterator; },
      async next() {
        for (;;) {
          if (queue.length) return { value: queue.shift(), done: false };
          if (finished) {
            if (failure && !controller.signal.aborted) throw failure;
            return { value: undefined, done: true };
          }
          await new Promise((resolve) => (wake = resolve));
        }
      },
      async return() {
        controller.abort();
        await done;
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }
}
