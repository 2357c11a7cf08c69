// Module Worker that owns the wasm module (so inference never blocks the page).
//
// Protocol (all messages are plain objects):
//   page -> worker  {id, op, args}
//     op 'init'     args {wasmBaseUrl, numThreads, wasmVariant}  -> runtime info
//     op 'load'     args {config, weights: ArrayBuffer|Uint8Array, vocab}
//                                                   -> {handle, hiddenSize, maxLength}
//     op 'run'      args {handle, texts, pooling, normalize} -> {data, dims}
//     op 'tokenize' args {handle, text}              -> Int32Array
//     op 'dispose'  args {handle}                    -> boolean
//     op 'ping'     args {}                          -> 'pong'
//   worker -> page  {id, ok: true, result} | {id, ok: false, error: {code, message}}
// Requests are served one at a time in arrival order. Every failure is posted
// back as {code, message} and the worker keeps serving.
import { Backend } from './backend.js';
import { PocketformerError, toErrorRecord } from './errors.js';

/** @type {Backend|null} */
let backend = null;
let queue = Promise.resolve();

function requireBackend() {
  if (!backend) throw new PocketformerError('INTERNAL', "worker used before 'init'");
  return backend;
}

function transferable(view) {
  return view && view.buffer instanceof ArrayBuffer ? [view.buffer] : [];
}

/** @returns {Promise<[unknown, Transferable[]]>} */
async function handle(op, args) {
  switch (op) {
    case 'ping':
      return ['pong', []];
    case 'init': {
      if (!backend) {
        backend = new Backend({
          wasmBaseUrl: args.wasmBaseUrl,
          numThreads: args.numThreads,
          wasmVariant: args.wasmVariant,
        });
      }
      return [await backend.init(), []];
    }
    case 'load':
      return [await requireBackend().load(args), []];
    case 'run': {
      const out = requireBackend().run(args.handle, args.texts, args.pooling, args.normalize);
      return [out, transferable(out.data)];
    }
    case 'tokenize': {
      const ids = requireBackend().tokenize(args.handle, args.text);
      return [ids, transferable(ids)];
    }
    case 'dispose':
      return [requireBackend().dispose(args.handle), []];
    default:
      throw new PocketformerError('INVALID_ARGUMENT', `unknown worker op '${op}'`);
  }
}

self.addEventListener('message', (event) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number') return;
  const { id, op, args } = msg;
  queue = queue.then(async () => {
    try {
      const [result, transfer] = await handle(op, args || {});
      self.postMessage({ id, ok: true, result }, transfer);
    } catch (e) {
      self.postMessage({ id, ok: false, error: toErrorRecord(e) });
    }
  });
});

self.postMessage({ id: 0, ok: true, result: 'ready' });
