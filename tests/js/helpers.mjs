// Shared helpers for the node:test suites.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const TESTDATA = path.join(ROOT, 'build/testdata');
export const TINY = path.join(TESTDATA, 'tiny-bert');
export const FAKE_DIST = path.join(ROOT, 'tests/js/fixtures/fake-dist');

/** Fails (never skips) when a prerequisite is missing, saying how to make it. */
export function requireFile(file, how) {
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(ROOT, file)} is missing: ${how}`);
  }
}

export function requireWasmBuild() {
  requireFile(path.join(DIST, 'pocketformer-simd-mt.mjs'), "run 'npm run build' (bash scripts/build.sh wasm)");
  requireFile(path.join(DIST, 'pocketformer-simd-mt.wasm'), "run 'npm run build' (bash scripts/build.sh wasm)");
}

/** The default wasm module (SIMD, threads build) loaded in this thread with one thread. */
export async function loadWasmModule() {
  requireWasmBuild();
  const { default: createPocketformer } = await import(pathToFileURL(path.join(DIST, 'pocketformer-simd-mt.mjs')).href);
  return createPocketformer({ numThreads: 1 });
}

export function requireTestdata() {
  requireFile(path.join(TINY, 'reference.json'), "run 'npm run testdata' (bash scripts/make-testdata.sh)");
}

export function readReference(dir = TINY) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
}

/** The three files a model folder needs, as a pipeline() file map. */
export function readModelFiles(dir = TINY) {
  return {
    'config.json': fs.readFileSync(path.join(dir, 'config.json'), 'utf8'),
    'model.safetensors': new Uint8Array(fs.readFileSync(path.join(dir, 'model.safetensors'))),
    'vocab.txt': fs.readFileSync(path.join(dir, 'vocab.txt'), 'utf8'),
  };
}

/** max |a - b| over two equally long numeric arrays (throws on a length mismatch). */
export function maxAbsDiff(a, b) {
  if (a.length !== b.length) {
    throw new Error(`length mismatch: got ${a.length} values, expected ${b.length}`);
  }
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** build/testdata/tiny-encoders: RoBERTa / ELECTRA / ALBERT folders with their reference.json. */
export const TINY_ENCODERS = path.join(TESTDATA, 'tiny-encoders');

/** The float64 reference outputs of build/testdata/tiny-encoders/<name>. */
export function readEncoderReference(name) {
  const file = path.join(TINY_ENCODERS, name, 'reference.json');
  requireFile(file, "run 'npm run testdata' (bash scripts/make-testdata.sh)");
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The reference's ids for tiny-encoders/<name> equal @huggingface/tokenizers' encoding with the
 * folder's tokenizer.json (truncation keeps the closing special token last).
 */
export async function assertReferenceTokenization(name) {
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const ref = readEncoderReference(name);
  const json = JSON.parse(fs.readFileSync(path.join(TINY_ENCODERS, name, 'tokenizer.json'), 'utf8'));
  const hf = new Tokenizer(json, {});
  const max = ref.model.max_length;
  for (const c of ref.cases) {
    const ids = Array.from(hf.encode(c.text).ids);
    const want = ids.length > max ? [...ids.slice(0, max - 1), ids[ids.length - 1]] : ids;
    assert.deepEqual(c.input_ids, want, c.text);
  }
}

/**
 * text-classification output (top_k: null) for ref.cases against the softmax of the
 * reference logits: every label's score within tol, the best label the reference argmax.
 */
export function assertClassifierScores(got, ref, tol) {
  ref.cases.forEach((c, i) => {
    const p = softmax(c.logits);
    for (const { label, score } of got[i]) {
      assert.ok(Math.abs(score - p[ref.labels.indexOf(label)]) <= tol, `${c.text}: ${label}`);
    }
    assert.equal(got[i][0].label, ref.labels[p.indexOf(Math.max(...p))], c.text);
  });
}

/** softmax of one row of logits. */
export function softmax(row) {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Expected error code of each hostile model in build/testdata/bad-models. */
export function expectedBadModelCode(name) {
  if (name === 'st_dtype_unknown') return ['UNSUPPORTED'];
  if (name.startsWith('config_')) return ['BAD_CONFIG'];
  if (/^(st_|shape_|missing_|duplicate_)/.test(name)) return ['CORRUPT_MODEL'];
  // A case added later: any "your file is bad" code, never INTERNAL.
  return ['CORRUPT_MODEL', 'BAD_CONFIG', 'UNSUPPORTED', 'UNSUPPORTED_ARCHITECTURE'];
}

export function listBadModels() {
  const root = path.join(TESTDATA, 'bad-models');
  requireFile(root, "run 'npm run testdata' (bash scripts/make-testdata.sh)");
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = path.join(root, name);
      return {
        name,
        dir,
        expect: fs.readFileSync(path.join(dir, 'expect.txt'), 'utf8').trim().toLowerCase(),
      };
    });
}

// The Rust library: the 'tokenizers' package if installed, else one in the
// folder PF_RUST_TOKENIZERS names (a folder whose node_modules has it).
export function loadRustTokenizers() {
  const places = [import.meta.url];
  if (process.env.PF_RUST_TOKENIZERS) places.push(pathToFileURL(path.join(process.env.PF_RUST_TOKENIZERS, 'x.js')).href);
  for (const from of places) {
    try {
      return createRequire(from)('tokenizers').Tokenizer;
    } catch {
      // next place
    }
  }
  return null;
}
