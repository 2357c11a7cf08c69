// Runtime adapter for decoder LMs (C++ TextGenerator): loads a llama2.c
// checkpoint (model.bin + tokenizer.bin) or a Hugging Face folder
// (config.json + model.safetensors), and generates token by token so the
// worker can stream text and stop between tokens.
import { PocketformerError } from '../errors.js';
import { requireFile, textOf } from './files.js';

/** Which files make a loadable model, in the order they are tried. */
export const TEXT_GENERATION_LAYOUTS = [
  { name: 'Hugging Face', required: ['config.json', 'model.safetensors'] },
  { name: 'llama2.c', required: ['model.bin', 'tokenizer.bin'] },
  { name: 'GGUF', required: ['model.gguf'] },
];

export const TEXT_GENERATION_FILES = [
  'config.json', 'model.safetensors', 'tokenizer.json', 'generation_config.json',
  'tokenizer_config.json', 'model.bin', 'tokenizer.bin', 'model.gguf',
];

export function pickLayout(files) {
  return TEXT_GENERATION_LAYOUTS.find((l) => l.required.every((f) => files[f] !== undefined)) || null;
}

// Hands control back to the event loop so an 'abort' message can arrive
// mid-generation; a MessageChannel round trip is not clamped like setTimeout.
function yieldToEventLoop() {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

// Streaming text for tokenizers without per-token bytes (tokenizer.json):
// decode a short window of ids and emit what it adds, holding back while the
// window ends in an incomplete character (U+FFFD), as HF's TextStreamer does.
class WindowDecoder {
  constructor(gen, promptIds) {
    this.gen = gen;
    // Special tokens (BOS, end-of-turn) are left out of streamed text.
    // A few prompt tokens give the first new token its left context (so a
    // leading space is not stripped as if it started the text).
    this.ids = Array.from(promptIds.slice(-4));
    this.prefix = 0;
    this.read = this.ids.length;
  }

  push(id) {
    this.ids.push(id);
    const before = this.gen.decode(this.ids.slice(this.prefix, this.read), true);
    const after = this.gen.decode(this.ids.slice(this.prefix), true);
    if (after.endsWith('\uFFFD') || after.length < before.length) return '';
    this.prefix = this.read;
    this.read = this.ids.length;
    return after.slice(before.length);
  }

  flush() {
    const before = this.gen.decode(this.ids.slice(this.prefix, this.read), true);
    const after = this.gen.decode(this.ids.slice(this.prefix), true);
    this.prefix = this.read = this.ids.length;
    return after.length > before.length ? after.slice(before.length) : '';
  }
}

// Holds back the end of the text that could still become a stop string, so
// streamed text never includes (a prefix of) one.
export class StopStringMatcher {
  /** @param {string[]} stops */
  constructor(stops) {
    this.stops = stops;
    this.text = '';
    this.emitted = 0;
    this.stopped = false;
  }

  /** Adds text; returns what may be shown now. */
  push(piece) {
    this.text += piece;
    let cut = this.text.length;
    for (const stop of this.stops) {
      const at = this.text.indexOf(stop, Math.max(0, this.emitted - stop.length + 1));
      if (at >= 0 && at < cut) {
        cut = at;
        this.stopped = true;
      }
    }
    if (this.stopped) {
      this.text = this.text.slice(0, cut);
    } else {
      // Keep back the longest suffix that is a prefix of some stop string.
      for (const stop of this.stops) {
        for (let k = Math.min(stop.length - 1, this.text.length); k > 0; k--) {
          if (this.text.endsWith(stop.slice(0, k))) {
            cut = Math.min(cut, this.text.length - k);
            break;
          }
        }
      }
    }
    const out = cut > this.emitted ? this.text.slice(this.emitted, cut) : '';
    this.emitted = Math.max(this.emitted, cut);
    return out;
  }

  /** At the end nothing more can complete a stop string: release the rest. */
  flush() {
    const out = this.text.slice(this.emitted);
    this.emitted = this.text.length;
    return out;
  }
}

function runtimeOptions(o, maxContext) {
  const sample = o.do_sample === true;
  return {
    maxNewTokens: o.max_new_tokens ?? Math.min(256, maxContext),
    temperature: sample ? (o.temperature ?? 1) : 0,
    topK: sample ? (o.top_k ?? 0) : 0,
    topP: sample ? (o.top_p ?? 1) : 1,
    minP: sample ? (o.min_p ?? 0) : 0,
    repetitionPenalty: o.repetition_penalty ?? 1,
    presencePenalty: o.presence_penalty ?? 0,
    seed: o.seed ?? 0,
  };
}

function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export const textGeneration = {
  /**
   * @param {any} Module
   * @param {Record<string, Uint8Array>} files
   * @param {{dtype?: string, maxContext?: number, kvCacheDtype?: string}} options
   */
  load(Module, files, options) {
    const layout = pickLayout(files);
    if (!layout) {
      throw new PocketformerError(
        'MODEL_NOT_FOUND',
        'text-generation needs ' +
          TEXT_GENERATION_LAYOUTS.map((l) => `${l.required.join(' + ')} (${l.name})`).join(' or '),
      );
    }
    const dtype = options.dtype || 'f32';
    const maxContext = options.maxContext ?? 0;
    // 'f16' stores the KV cache as IEEE half: half the memory, attention still in f32.
    const kvDtype = options.kvCacheDtype ?? 'f32';
    if (typeof kvDtype !== 'string') {
      throw new PocketformerError('INVALID_ARGUMENT', "kv_cache_dtype must be 'f32' or 'f16'");
    }
    // A GGUF keeps its own precision (int8 for Q8_0, 4-bit for Q4_*) unless asked.
    const gen = layout.name === 'GGUF'
      ? Module.TextGenerator.loadGguf(files['model.gguf'], options.dtype || 'auto', maxContext, kvDtype)
      : layout.name === 'llama2.c'
      ? Module.TextGenerator.loadLlama2c(files['model.bin'], files['tokenizer.bin'], dtype, maxContext, kvDtype)
      : Module.TextGenerator.loadHf(
        textOf(requireFile(files, 'config.json')), files['model.safetensors'], dtype, maxContext,
        files['tokenizer.json'] ? textOf(files['tokenizer.json']) : '', kvDtype);
    const config = gen.config();
    let generationConfig = {};
    if (files['generation_config.json']) {
      try {
        generationConfig = JSON.parse(textOf(files['generation_config.json']));
      } catch {
        gen.delete();
        throw new PocketformerError('BAD_CONFIG', 'generation_config.json: not valid JSON');
      }
    }
    const requireTokenizer = () => {
      if (!gen.hasTokenizer()) {
        throw new PocketformerError(
          'UNSUPPORTED',
          'this model was loaded without a tokenizer the runtime can use yet; pass token ids',
        );
      }
    };
    return {
      info: {
        layout: layout.name,
        modelType: config.modelType,
        vocabSize: config.vocabSize,
        hiddenSize: config.hiddenSize,
        layers: config.layers,
        maxContext: config.maxContext,
        dtype: config.dtype,
        weightBytes: config.weightBytes,
        kvCacheDtype: config.kvCacheDtype,
        kvCacheBytes: config.kvCacheBytes,
        hasTokenizer: gen.hasTokenizer(),
        generationConfig,
      },
      delete: () => gen.delete(),
      methods: {
        encode({ text, addSpecial = true }) {
          if (typeof text !== 'string') throw new PocketformerError('INVALID_ARGUMENT', 'encode() needs a string');
          requireTokenizer();
          return gen.encode(text, !!addSpecial);
        },
        decode({ ids, skipSpecial = false }) {
          requireTokenizer();
          return gen.decode(ids, !!skipSpecial);
        },
        /**
         * @param {{prompt: string|number[], addSpecial?: boolean, options?: any}} args
         * @param {{emit: Function, aborted: () => boolean}} ctx
         */
        async generate({ prompt, addSpecial = true, options = {} }, ctx) {
          let ids;
          if (typeof prompt === 'string') {
            requireTokenizer();
            ids = gen.encode(prompt, !!addSpecial);
          } else {
            ids = prompt;
          }
          const started = now();
          gen.start(ids, runtimeOptions(options, config.maxContext));
          const decoder = new TextDecoder('utf-8');
          const windows = gen.hasTokenizer() && !gen.streamsTokenBytes()
            ? new WindowDecoder(gen, ids)
            : null;
          const stops = new StopStringMatcher(options.stop || []);
          const newIds = [];
          let prev = ids.length ? ids[ids.length - 1] : -1;
          let firstTokenAt = 0;
          let lastYield = now();
          let stopReason = '';
          for (;;) {
            if (ctx.aborted()) throw new PocketformerError('ABORTED', 'generation aborted');
            const id = gen.next();
            if (id < 0) {
              stopReason = gen.stopReason();
              break;
            }
            if (!firstTokenAt) firstTokenAt = now();
            newIds.push(id);
            let text = '';
            if (windows) text = stops.push(windows.push(id));
            else if (gen.hasTokenizer()) {
              text = stops.push(decoder.decode(gen.decodeTokenBytes(prev, id), { stream: true }));
            }
            prev = id;
            if (text) ctx.emit({ text, id });
            if (stops.stopped) {
              stopReason = 'stop_string';
              break;
            }
            if (now() - lastYield > 8) {
              await yieldToEventLoop();
              lastYield = now();
            }
          }
          if (gen.hasTokenizer() && !stops.stopped) {
            const tail = windows ? windows.flush() : decoder.decode();
            const rest = stops.push(tail) + stops.flush();
            if (rest) ctx.emit({ text: rest, id: -1 });
          }
          const ended = now();
          const decodeTokens = Math.max(0, newIds.length - 1);
          return {
            text: stops.text,
            ids: Int32Array.from(newIds),
            stopReason,
            stats: {
              promptTokens: ids.length,
              newTokens: newIds.length,
              firstTokenMs: firstTokenAt ? firstTokenAt - started : 0,
              totalMs: ended - started,
              tokensPerSecond: decodeTokens > 0 ? (decodeTokens * 1000) / (ended - firstTokenAt) : 0,
            },
          };
        },
      },
    };
  },
};
