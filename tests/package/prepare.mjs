// Builds what the package tests use, the way a user gets it: `npm pack` the
// repo, install the tarball into a fresh project (build/package-test/app),
// and build a Vite app against it. Three consumers are then checked:
//   node-check.mjs            a Node 20 script (tests/js/package.test.mjs)
//   static.html               a plain page, one <script type="module">, no bundler
//   vite/                     a Vite 7 production build
// (the two pages in Chromium: tests/browser/package.spec.mjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const OUT = path.join(ROOT, 'build/package-test');
export const APP = path.join(OUT, 'app');

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from)) fs.copyFileSync(path.join(from, name), path.join(to, name));
}

/** @returns {{tarball: string, tarballBytes: number, wasmGzip: Record<string, number>}} */
export function prepare() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(APP, { recursive: true });
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', OUT], ROOT));
  const tarball = path.join(OUT, packed[0].filename);
  fs.writeFileSync(
    path.join(APP, 'package.json'),
    JSON.stringify({ name: 'pocketformer-consumer', private: true, type: 'module' }, null, 2),
  );
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], APP);

  // The model the pages and the script load, next to them.
  copyDir(path.join(ROOT, 'build/testdata/tiny-bert'), path.join(APP, 'model'));
  for (const f of ['static.html', 'embed-once.js']) fs.copyFileSync(path.join(HERE, f), path.join(APP, f));
  fs.copyFileSync(path.join(HERE, 'node-check.mjs'), path.join(APP, 'node-check.mjs'));

  // Vite: the app imports 'pocketformer'; the wasm files are served from
  // public/pocketformer/ and env.wasmBaseUrl points there.
  const vite = path.join(APP, 'vite');
  copyDir(path.join(HERE, 'vite'), vite);
  copyDir(path.join(APP, 'node_modules/pocketformer/dist'), path.join(vite, 'public/pocketformer'));
  run(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], vite);
  copyDir(path.join(APP, 'model'), path.join(vite, 'dist/model'));

  const wasmGzip = {};
  const dist = path.join(APP, 'node_modules/pocketformer/dist');
  for (const name of fs.readdirSync(dist).filter((n) => n.endsWith('.wasm'))) {
    wasmGzip[name] = zlib.gzipSync(fs.readFileSync(path.join(dist, name)), { level: 9 }).length;
  }
  return { tarball, tarballBytes: fs.statSync(tarball).size, wasmGzip };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = prepare();
  console.log(JSON.stringify(r, null, 2));
}
