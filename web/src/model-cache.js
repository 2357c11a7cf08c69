// Where downloaded model files are kept between page loads / processes:
//   browsers: the Cache API (default) or the Origin Private File System
//             (env.useOPFS: no per-entry Response overhead, counts against
//             the same storage quota, survives "clear cache" in some browsers);
//   Node:     a directory (env.cacheDir, on by default via env.useFSCache).
// Every store has the same two methods, keyed by the file's full URL:
//   match(url) -> Response | null      put(url, bytes) -> void
// A store that fails is treated as empty: caching must never fail a load.
import { importNode } from './node.js';

const CACHE_NAME = 'pocketformer-models-v1';
const OPFS_DIR = 'pocketformer-models-v1';

/** SHA-256 of the URL as hex: a file name any file system accepts. */
async function urlKey(url) {
  const data = new TextEncoder().encode(url);
  if (globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  const { createHash } = await importNode('node:crypto');
  return createHash('sha256').update(data).digest('hex');
}

/** The URL's last path segment, kept in the name so a cache folder is readable. */
function readableSuffix(url) {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop() || 'file';
  return last.replace(/[^A-Za-z0-9._-]/g, '_').slice(-64);
}

function bytesResponse(bytes) {
  return new Response(bytes, {
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
  });
}

async function cacheApiStore() {
  const cache = await caches.open(CACHE_NAME);
  return {
    kind: 'cache-api',
    match: async (url) => (await cache.match(url)) || null,
    put: (url, bytes) => cache.put(url, bytesResponse(bytes)),
  };
}

async function opfsStore() {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(OPFS_DIR, { create: true });
  const name = async (url) => `${await urlKey(url)}-${readableSuffix(url)}`;
  return {
    kind: 'opfs',
    async match(url) {
      try {
        const handle = await dir.getFileHandle(await name(url));
        return bytesResponse(new Uint8Array(await (await handle.getFile()).arrayBuffer()));
      } catch {
        return null; // NotFoundError: not cached
      }
    },
    async put(url, bytes) {
      const file = await name(url);
      // Written under a temporary name, then renamed by copy-free move where
      // the browser has it: a reader never sees half a file.
      const tmp = await dir.getFileHandle(`${file}.partial`, { create: true });
      const writable = await tmp.createWritable();
      await writable.write(bytes);
      await writable.close();
      if (typeof tmp.move === 'function') {
        await tmp.move(file);
      } else {
        const final = await dir.getFileHandle(file, { create: true });
        const w = await final.createWritable();
        await w.write(bytes);
        await w.close();
        await dir.removeEntry(`${file}.partial`);
      }
    },
  };
}

async function directoryStore(cacheDir) {
  const fs = await importNode('node:fs/promises');
  const path = await importNode('node:path');
  const dir = String(cacheDir);
  await fs.mkdir(dir, { recursive: true });
  const file = async (url) => path.join(dir, `${await urlKey(url)}-${readableSuffix(url)}`);
  return {
    kind: 'directory',
    dir,
    async match(url) {
      try {
        return bytesResponse(new Uint8Array(await fs.readFile(await file(url))));
      } catch {
        return null;
      }
    },
    async put(url, bytes) {
      const target = await file(url);
      // Unique temporary name + rename: concurrent processes and a crash
      // mid-write never leave a truncated file under the real name.
      const tmp = `${target}.${process.pid}.${Date.now()}.partial`;
      try {
        await fs.writeFile(tmp, bytes);
        await fs.rename(tmp, target);
      } catch (e) {
        await fs.rm(tmp, { force: true }).catch(() => {});
        throw e;
      }
    },
  };
}

/**
 * The store to use for a source, or null (not cached). Only remote models are
 * cached: files on the page's own server, or on this machine's loopback, are
 * cheap to fetch again and may change while you work on them.
 * @param {any} env
 * @param {{remote?: boolean, base?: string}} source
 * @param {boolean} isNode
 */
export async function openModelCache(env, source, isNode) {
  try {
    const url = new URL(source.base);
    if (isNode) {
      if (!env.useFSCache || !env.cacheDir) return null;
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      if (!source.remote && (loopback || url.protocol === 'file:')) return null;
      return await directoryStore(env.cacheDir);
    }
    const origin = typeof location !== 'undefined' ? location.origin : null;
    if (!source.remote && origin && url.origin === origin) return null;
    if (env.useOPFS && typeof navigator !== 'undefined' && navigator.storage?.getDirectory) {
      return await opfsStore();
    }
    if (env.useBrowserCache && typeof caches !== 'undefined') return await cacheApiStore();
    return null;
  } catch {
    return null;
  }
}

export { CACHE_NAME, OPFS_DIR };
