// Language-ID accuracy of the exported encoders in pocketformer (f32 / int8 / q4 load
// options) on held-out documents, and int8 / q4 argmax agreement with f32.
//   node scripts/train/runtime_accuracy.mjs <test.tsv> <n> <out.json> <model dir>...
import fs from 'node:fs';
import path from 'node:path';

import { shutdown } from '../../web/src/index.js';
import { heldOutDocuments, measureLanguageId } from './langid_runtime.mjs';

const [tsv, n, out, ...dirs] = process.argv.slice(2);
const docs = heldOutDocuments(tsv, Number(n));
const result = {};
for (const dir of dirs) {
  result[path.basename(dir)] = await measureLanguageId(dir, docs);
  console.log(path.basename(dir), JSON.stringify(result[path.basename(dir)]));
}
fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
shutdown();
