#!/usr/bin/env node
// Tiny static file server for the demo and the browser tests (no deps).
//
//   node scripts/serve.mjs [PORT]      (or PORT=... ; default 8080, 0 = random)
//
// Serves the repository root on 127.0.0.1 with the headers WebAssembly threads
// need (cross-origin isolation: COOP same-origin + COEP require-corp, and CORP
// on every response so the page's own subresources are allowed), correct MIME
// types for .mjs/.wasm/.json/.safetensors, GET and HEAD with Content-Length.
// No ranges, no directory listings; paths outside the root are refused.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.safetensors': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.ts': 'text/plain; charset=utf-8',
};

function isolationHeaders() {
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    // Local development server: always revalidate so rebuilt modules and
    // regenerated models are picked up on reload.
    'Cache-Control': 'no-cache',
  };
}

function sendText(res, status, text, method, extra = {}) {
  const body = Buffer.from(text + '\n', 'utf8');
  res.writeHead(status, {
    ...isolationHeaders(),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    ...extra,
  });
  res.end(method === 'HEAD' ? undefined : body);
}

// Maps a request path to a file under ROOT, or null when it escapes ROOT.
export function resolvePath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  return full;
}

function contentType(file) {
  const ext = path.extname(file).toLowerCase();
  return MIME[ext] || 'application/octet-stream';
}

export function createServer(root = ROOT) {
  // Resolve symlinks in the root once so a symlinked root still works; files
  // reached through symlinks inside the tree are served (realpath checked).
  const realRoot = fs.realpathSync(root);
  return http.createServer((req, res) => {
    const method = req.method || 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      sendText(res, 405, 'method not allowed', method, { Allow: 'GET, HEAD' });
      return;
    }
    let pathname;
    try {
      pathname = new URL(req.url || '/', 'http://localhost').pathname;
    } catch {
      sendText(res, 400, 'bad request', method);
      return;
    }
    let file = resolvePath(realRoot, pathname);
    if (file === null) {
      sendText(res, 403, 'forbidden', method);
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          sendText(res, 301, 'moved', method, { Location: pathname + '/' });
          return;
        }
        file = path.join(file, 'index.html');
        st = fs.existsSync(file) ? fs.statSync(file) : null;
        if (!st) {
          sendText(res, 404, 'not found: ' + pathname, method);
          return;
        }
      } else if (err || !st.isFile()) {
        sendText(res, 404, 'not found: ' + pathname, method);
        return;
      }
      // Symlinks inside the tree may point elsewhere (e.g. a model folder);
      // that is allowed, the request path itself was confined above.
      res.writeHead(200, {
        ...isolationHeaders(),
        'Content-Type': contentType(file),
        'Content-Length': st.size,
        'Last-Modified': st.mtime.toUTCString(),
      });
      if (method === 'HEAD') {
        res.end();
        return;
      }
      const stream = fs.createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    });
  });
}

async function main() {
  const arg = process.argv[2];
  const raw = arg !== undefined ? arg : process.env.PORT !== undefined ? process.env.PORT : '8080';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve.mjs: bad port '${raw}'`);
    process.exit(2);
  }
  const server = createServer(ROOT);
  server.on('error', (e) => {
    console.error(`serve.mjs: ${e.message}`);
    process.exit(1);
  });
  server.listen(port, HOST, () => {
    const actual = server.address().port;
    console.log(`pocketformer demo: http://${HOST}:${actual}/demo/`);
    console.log(`serving ${ROOT} (cross-origin isolated; Ctrl-C to stop)`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
