// Finding and reading a model's files: a folder URL, a Hugging Face repo id,
// a local directory (Node), or an object of in-memory files. Downloads stream
// through fetch + a reader and report Transformers.js-style progress events.
import { importNode } from './node.js';
import { PocketformerError } from './errors.js';
import { openModelCache } from './model-cache.js';

export const IS_NODE =
  typeof process !== 'undefined' && !!(process.versions && process.versions.node) &&
  typeof window === 'undefined';


function abortError(signal) {
  const reason = signal && signal.reason;
  const detail = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new PocketformerError('ABORTED', `aborted${detail}`, { cause: reason });
}

export function throwIfAborted(signal) {
  if (signal && signal.aborted) throw abortError(signal);
}

function isAbort(e, signal) {
  return (signal && signal.aborted) || (e && typeof e === 'object' && e.name === 'AbortError');
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;

function withSlash(s) {
  return s.endsWith('/') ? s : s + '/';
}

/** The document's (or worker's) URL that relative model URLs resolve against. */
export function baseHref() {
  if (typeof document !== 'undefined' && document.baseURI) return document.baseURI;
  if (typeof location !== 'undefined' && location.href) return location.href;
  return undefined;
}

function isSingleFile(model) {
  return (typeof Blob !== 'undefined' && model instanceof Blob) ||
    model instanceof ArrayBuffer || ArrayBuffer.isView(model);
}

async function toBytesPrefix(model, n) {
  if (typeof Blob !== 'undefined' && model instanceof Blob) return model.slice(0, n).arrayBuffer();
  if (model instanceof ArrayBuffer) return model.slice(0, n);
  return model.buffer.slice(model.byteOffset, model.byteOffset + Math.min(n, model.byteLength));
}

/**
 * Where a repo id's local copy would be: env.localModelPath + id, a directory
 * in Node or a folder URL in browsers; null when local models are off.
 */
async function localCopyOf(id, env) {
  if (!env.allowLocalModels || !env.localModelPath) return null;
  const root = String(env.localModelPath);
  if (IS_NODE && !SCHEME.test(root)) {
    const path = await importNode('node:path');
    return { kind: 'dir', dir: path.resolve(root, id) };
  }
  if (IS_NODE && root.startsWith('file:')) {
    const { fileURLToPath } = await importNode('node:url');
    return { kind: 'dir', dir: fileURLToPath(new URL(withSlash(id), new URL(withSlash(root)))) };
  }
  return { kind: 'url', base: new URL(withSlash(id), new URL(withSlash(root), baseHref())).href, remote: false };
}

/**
 * Decides where a model comes from.
 * @returns {Promise<{kind: 'files', files: object} | {kind: 'url', base: string} |
 *   {kind: 'dir', dir: string}>}
 */
export async function resolveModelSource(model, { env, revision = 'main' }) {
  if (isSingleFile(model)) {
    // One file given as bytes (a dropped File, a fetched ArrayBuffer): only a
    // GGUF carries config, weights and tokenizer in one file.
    const head = new Uint8Array(await toBytesPrefix(model, 4));
    const magic = String.fromCharCode(...head);
    if (magic !== 'GGUF') {
      throw new PocketformerError(
        'INVALID_ARGUMENT',
        'a model given as a single file must be a GGUF file (it starts with ' +
          `${JSON.stringify(magic)}); for Hugging Face files pass an object of file name -> bytes`,
      );
    }
    return { kind: 'files', files: { 'model.gguf': model } };
  }
  if (model && typeof model === 'object' && !(model instanceof URL)) {
    return { kind: 'files', files: model };
  }
  if (model instanceof URL) model = model.href;
  if (typeof model !== 'string' || model.trim() === '') {
    throw new PocketformerError(
      'INVALID_ARGUMENT',
      'model must be a folder URL, a Hugging Face repo id, a local directory (Node) or an object of files',
    );
  }
  model = model.trim();

  // A single-file model (a .gguf): fetch just that file, as 'model.gguf'.
  if (/\.gguf([?#].*)?$/i.test(model)) {
    const single = { 'model.gguf': '' };
    if (IS_NODE && !SCHEME.test(model)) {
      const path = await importNode('node:path');
      const full = path.resolve(model);
      single['model.gguf'] = path.basename(full);
      return { kind: 'dir', dir: path.dirname(full), single };
    }
    if (IS_NODE && model.startsWith('file:')) {
      const [{ fileURLToPath }, path] = await Promise.all([importNode('node:url'), importNode('node:path')]);
      const full = fileURLToPath(new URL(model));
      single['model.gguf'] = path.basename(full);
      return { kind: 'dir', dir: path.dirname(full), single };
    }
    const url = new URL(model, baseHref());
    single['model.gguf'] = url.pathname.split('/').pop() + url.search;
    return { kind: 'url', base: new URL('./', url).href, remote: false, single };
  }

  if (IS_NODE) {
    const path = await importNode('node:path');
    if (model.startsWith('file:')) {
      const { fileURLToPath } = await importNode('node:url');
      return { kind: 'dir', dir: fileURLToPath(new URL(model)) };
    }
    if (path.isAbsolute(model) || model.startsWith('.')) {
      return { kind: 'dir', dir: path.resolve(model) };
    }
    if (!SCHEME.test(model)) {
      const { stat } = await importNode('node:fs/promises');
      const st = await stat(model).catch(() => null);
      if (st && st.isDirectory()) return { kind: 'dir', dir: path.resolve(model) };
    }
  }

  const looksLikeFolder =
    SCHEME.test(model) || model.startsWith('/') || model.startsWith('.') || model.endsWith('/');
  if (!looksLikeFolder && REPO_ID.test(model)) {
    if (!env.allowRemoteModels) {
      const local = await localCopyOf(model, env);
      if (local) return local;
      throw new PocketformerError(
        'MODEL_NOT_FOUND',
        `'${model}' looks like a Hugging Face repo id, but env.allowRemoteModels is false ` +
          "(for a folder on this site, give its URL ending in '/', e.g. './models/tiny/')",
      );
    }
    const host = withSlash(String(env.remoteHost));
    const rel = String(env.remotePathTemplate)
      .replaceAll('{model}', model)
      .replaceAll('{revision}', encodeURIComponent(revision));
    const remote = { kind: 'url', base: new URL(withSlash(rel), host).href, remote: true };
    const local = await localCopyOf(model, env);
    // Transformers.js' rule: each file is looked for in the local copy first,
    // then on the hub (so a local folder may hold only some of the files).
    return local ? { ...local, fallback: remote } : remote;
  }
  let base;
  try {
    base = new URL(withSlash(model), baseHref()).href;
  } catch {
    throw new PocketformerError('INVALID_ARGUMENT', `cannot make a URL of model '${model}'`);
  }
  return { kind: 'url', base, remote: false };
}

/** Emits Transformers.js-style progress events; never lets a callback throw into us. */
export function makeEmitter(callback, name) {
  return (event) => {
    if (typeof callback !== 'function') return;
    try {
      callback({ name, ...event });
    } catch (e) {
      if (typeof console !== 'undefined') console.error('progress_callback threw:', e);
    }
  };
}

async function toBytes(value, file) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) {
    return new Uint8Array(value);
  }
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    return new Uint8Array(await value.arrayBuffer());
  }
  if (typeof value === 'string') return new TextEncoder().encode(value);
  throw new PocketformerError(
    'INVALID_ARGUMENT',
    `${file}: expected an ArrayBuffer, Uint8Array, Blob/File or string, got ${
      value === null ? 'null' : typeof value
    }`,
  );
}

/** Reads one response body with progress; uses Content-Length when known. */
async function readBody(response, file, emit, signal) {
  const lengthHeader = response.headers.get('content-length');
  const encoded = response.headers.get('content-encoding');
  let total = lengthHeader && !encoded ? Number(lengthHeader) : 0;
  if (!Number.isFinite(total) || total < 0) total = 0;
  emit({ status: 'download', file, loaded: 0, total, progress: 0 });
  if (!response.body || typeof response.body.getReader !== 'function') {
    const bytes = new Uint8Array(await response.arrayBuffer());
    emit({ status: 'progress', file, loaded: bytes.length, total: bytes.length, progress: 100 });
    return bytes;
  }
  const reader = response.body.getReader();
  const onAbort = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let buffer = total > 0 ? new Uint8Array(total) : null;
    /** @type {Uint8Array[]} */
    const chunks = [];
    let loaded = 0;
    let lastEmit = 0;
    for (;;) {
      const { done, value } = await reader.read();
      throwIfAborted(signal);
      if (done) break;
      if (buffer && loaded + value.length <= buffer.length) {
        buffer.set(value, loaded);
      } else {
        if (buffer) {
          // Longer than announced: fall back to collecting chunks.
          chunks.push(buffer.subarray(0, loaded));
          buffer = null;
        }
        chunks.push(value);
      }
      loaded += value.length;
      const now = Date.now();
      if (now - lastEmit > 50 || (total && loaded === total)) {
        lastEmit = now;
        const shownTotal = Math.max(total, loaded);
        emit({
          status: 'progress',
          file,
          loaded,
          total: shownTotal,
          progress: shownTotal ? (loaded / shownTotal) * 100 : 0,
        });
      }
    }
    let bytes;
    if (buffer) {
      bytes = loaded === buffer.length ? buffer : buffer.slice(0, loaded);
    } else {
      bytes = new Uint8Array(loaded);
      let at = 0;
      for (const c of chunks) {
        bytes.set(c, at);
        at += c.length;
      }
    }
    emit({ status: 'progress', file, loaded, total: loaded, progress: 100 });
    return bytes;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function fetchFile(url, file, emit, signal, cache) {
  emit({ status: 'initiate', file, loaded: 0, total: 0, progress: 0 });
  let response = null;
  let fromCache = false;
  if (cache) {
    try {
      response = (await cache.match(url)) || null;
      fromCache = !!response;
    } catch {
      response = null;
    }
  }
  if (!response) {
    try {
      response = await fetch(url, { signal, credentials: 'same-origin' });
    } catch (e) {
      if (isAbort(e, signal)) throw abortError(signal);
      throw new PocketformerError(
        'NETWORK_ERROR',
        `${file}: could not fetch ${url} (${e && e.message ? e.message : e})`,
        { cause: e },
      );
    }
  }
  if (!response.ok) {
    if (response.status === 404 || response.status === 410) {
      throw new PocketformerError(
        'MODEL_NOT_FOUND',
        `${file}: not found (HTTP ${response.status}) at ${url}`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new PocketformerError(
        'MODEL_NOT_FOUND',
        `${file}: access denied (HTTP ${response.status}) at ${url} (private or gated repo?)`,
      );
    }
    throw new PocketformerError(
      'NETWORK_ERROR',
      `${file}: HTTP ${response.status} ${response.statusText} from ${url}`,
    );
  }
  let bytes;
  try {
    bytes = await readBody(response, file, emit, signal);
  } catch (e) {
    if (e instanceof PocketformerError) throw e;
    if (isAbort(e, signal)) throw abortError(signal);
    throw new PocketformerError(
      'NETWORK_ERROR',
      `${file}: download from ${url} failed (${e && e.message ? e.message : e})`,
      { cause: e },
    );
  }
  if (cache && !fromCache) {
    try {
      await cache.put(url, bytes);
    } catch {
      // a full or unavailable cache must not fail the load
    }
  }
  emit({ status: 'done', file, loaded: bytes.length, total: bytes.length, progress: 100 });
  return bytes;
}

async function readLocalFile(dir, file, emit, signal) {
  const [{ readFile }, path] = await Promise.all([
    importNode('node:fs/promises'),
    importNode('node:path'),
  ]);
  const full = path.join(dir, file);
  emit({ status: 'initiate', file, loaded: 0, total: 0, progress: 0 });
  let buf;
  try {
    buf = await readFile(full, { signal });
  } catch (e) {
    if (isAbort(e, signal)) throw abortError(signal);
    if (e && e.code === 'ENOENT') {
      throw new PocketformerError('MODEL_NOT_FOUND', `${file}: not found at ${full}`);
    }
    throw new PocketformerError('NETWORK_ERROR', `${file}: cannot read ${full} (${e.message})`, {
      cause: e,
    });
  }
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  emit({ status: 'progress', file, loaded: bytes.length, total: bytes.length, progress: 100 });
  emit({ status: 'done', file, loaded: bytes.length, total: bytes.length, progress: 100 });
  return bytes;
}

/** A missing optional file is not an error: it is left out of the result. */
function isNotFound(e) {
  return e instanceof PocketformerError && e.code === 'MODEL_NOT_FOUND';
}

/**
 * Gets a model's files: every name in `required` (a missing one is a
 * MODEL_NOT_FOUND error) and those of `optional` that exist.
 * @param {{kind: string, files?: any, dir?: string, base?: string, remote?: boolean}} source
 * @param {{env: any, emit: Function, signal?: AbortSignal, required: string[], optional?: string[]}} how
 * @returns {Promise<{files: Record<string, Uint8Array>, owned: boolean,
 *   sizes: Record<string, number>, where: string}>}
 *   owned: the buffers were allocated here (safe to transfer to a worker)
 */
export async function loadModelFiles(source, { env, emit, signal, required, optional = [] }) {
  throwIfAborted(signal);
  /** @type {Record<string, Uint8Array>} */
  const bytes = {};
  let where;
  let owned = true;
  if (source.kind === 'files') {
    where = 'the given files';
    owned = false;
    for (const file of required) {
      const value = source.files[file];
      if (value === undefined || value === null) {
        throw new PocketformerError(
          'MODEL_NOT_FOUND',
          `${file}: missing from the files object (it needs ${required.join(', ')})`,
        );
      }
    }
    for (const file of [...required, ...optional]) {
      if (source.files[file] === undefined || source.files[file] === null) continue;
      emit({ status: 'initiate', file, loaded: 0, total: 0, progress: 0 });
      bytes[file] = await toBytes(source.files[file], file);
      throwIfAborted(signal);
      const n = bytes[file].length;
      emit({ status: 'progress', file, loaded: n, total: n, progress: 100 });
      emit({ status: 'done', file, loaded: n, total: n, progress: 100 });
    }
  } else {
    // One controller for all downloads: the first failure cancels the rest.
    const inner = new AbortController();
    const relay = () => inner.abort(signal.reason);
    if (signal) signal.addEventListener('abort', relay, { once: true });
    try {
      const cache = source.kind === 'dir' ? null : await openModelCache(env, source, IS_NODE);
      where = source.kind === 'dir' ? source.dir : source.base;
      // source.single maps the one logical file to its real name.
      const real = (f) => (source.single ? source.single[f] : f);
      const getFrom = (src, srcCache, f) =>
        src.kind === 'dir'
          ? readLocalFile(src.dir, real(f), emit, inner.signal)
          : fetchFile(new URL(real(f), src.base).href, f, emit, inner.signal, srcCache);
      const fallback = source.fallback || null;
      const fallbackCache = fallback ? await openModelCache(env, fallback, IS_NODE) : null;
      // A file missing from the local copy comes from the fallback (the hub).
      const getOne = (f) =>
        fallback
          ? getFrom(source, cache, f).catch((e) => {
            if (!isNotFound(e)) throw e;
            return getFrom(fallback, fallbackCache, f);
          })
          : getFrom(source, cache, f);
      const names = source.single
        ? Object.keys(source.single)
        : [...required, ...optional];
      const results = await Promise.allSettled(
        names.map((f, i) =>
          getOne(f).catch((e) => {
            if (i >= required.length && isNotFound(e)) return null;
            inner.abort();
            throw e;
          }),
        ),
      );
      throwIfAborted(signal);
      // Report the root cause, not the cancellations it triggered.
      const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
      if (failures.length) {
        throw failures.find((e) => !(e instanceof PocketformerError && e.code === 'ABORTED')) ||
          failures[0];
      }
      names.forEach((f, i) => {
        const r = /** @type {PromiseFulfilledResult<Uint8Array|null>} */ (results[i]);
        if (r.value) bytes[f] = r.value;
      });
    } finally {
      if (signal) signal.removeEventListener('abort', relay);
    }
    throwIfAborted(signal);
  }
  return {
    files: bytes,
    owned,
    where,
    sizes: Object.fromEntries(Object.entries(bytes).map(([f, b]) => [f, b.length])),
  };
}

