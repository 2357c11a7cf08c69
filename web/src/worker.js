// The Worker that owns the wasm module (so inference never blocks the page):
// a module Worker in browsers, a worker_threads Worker in Node.
//
// Protocol (all messages are plain objects):
//   page -> worker  {id, op, args}
//     op 'init'     args {wasmBaseUrl, numThreads, wasmVariant} -> runtime info
//     op 'load'     args {kind, files: {name: bytes}, options}  -> {handle, info}
//     op 'call'     args {handle, method, args}                 -> the method's result
//     op 'dispose'  args {handle}                               -> boolean
//     op 'abort'    args {target}  stops request `target`: before it starts, or
//                                  between steps of a long method (generation)
//     op 'stats'    args {}                   -> {heapBytes, heapInUseBytes, models}
//     op 'ping'     args {}                                     -> 'pong'
//   worker -> page  {id, event}   zero or more streamed partial results, then
//                   {id, ok: true, result} | {id, ok: false, error: {code, message}}
// Requests run one at a time in arrival order ('abort' and 'stats' jump the queue).
// Every failure is posted back as {code, message} and the worker keeps serving.
import { importNode } from './node.js';
import { Backend } from './backend.js';
import { PocketformerError, toErrorRecord } from './errors.js';

const port =
  typeof self !== 'undefined' && typeof self.postMessage === 'function'
    ? { post: (m, t) => self.postMessage(m, t), listen: (f) => self.addEventListener('message', (e) => f(e.data)) }
    : await (async () => {
        const { parentPort } = await importNode('node:worker_threads');
        return { post: (m, t) => parentPort.postMessage(m, t), listen: (f) => parentPort.on('message', f) };
      })();

/** @type {Backend|null} */
let backend = null;
let queue = Promise.resolve();
/** Ids of requests queued or running, and those of them the page aborted. */
const inFlight = new Set();
const aborted = new Set();

function requireBackend() {
  if (!backend) throw new PocketformerError('INTERNAL', "worker used before 'init'");
  return backend;
}

// Typed arrays in a result go back without a copy.
function transferables(value) {
  const out = [];
  const visit = (v) => {
    if (!v || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !out.includes(v.buffer)) out.push(v.buffer);
      return;
    }
    if (Array.isArray(v)) return;
    for (const x of Object.values(v)) visit(x);
  };
  visit(value);
  return out;
}

async function handle(id, op, args) {
  switch (op) {
    case 'ping':
      return 'pong';
    case 'init':
      if (!backend) {
        backend = new Backend({
          wasmBaseUrl: args.wasmBaseUrl,
          numThreads: args.numThreads,
          wasmVariant: args.wasmVariant,
        });
      }
      return backend.init();
    case 'load':
      return requireBackend().load(args.kind, args.files, args.options);
    case 'call':
      return requireBackend().call(args.handle, args.method, args.args, {
        emit: (event) => port.post({ id, event }, transferables(event)),
        aborted: () => aborted.has(id),
      });
    case 'dispose':
      return requireBackend().dispose(args.handle);
    default:
      throw new PocketformerError('INVALID_ARGUMENT', `unknown worker op '${op}'`);
  }
}

port.listen((msg) => {
  if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number') return;
  const { id, op, args } = msg;
  if (op === 'abort') {
    if (args && inFlight.has(args.target)) aborted.add(args.target);
    return;
  }
  if (op === 'stats') {
    // Answered at once, even while a long request (generation) runs.
    port.post({ id, ok: true, result: backend ? backend.stats() : { heapBytes: 0, heapInUseBytes: 0, models: 0 } }, []);
    return;
  }
  inFlight.add(id);
  queue = queue.then(async () => {
    try {
      if (aborted.has(id)) throw new PocketformerError('ABORTED', 'aborted');
      const result = await handle(id, op, args || {});
      port.post({ id, ok: true, result }, transferables(result));
    } catch (e) {
      port.post({ id, ok: false, error: toErrorRecord(e) }, []);
    } finally {
      inFlight.delete(id);
      aborted.delete(id);
    }
  });
});

port.post({ id: 0, ok: true, result: 'ready' }, []);
