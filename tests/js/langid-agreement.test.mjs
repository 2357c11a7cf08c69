// Quantization fidelity on a real task (issue 5: "classification argmax
// agreement >= 99.5% over >= 1,000 inputs, int8 vs f32"): the bundled,
// self-trained language-ID models (demo/models/lang-id-*) classify held-out
// fortune documents through the public pipeline() API in f32, int8 and 4-bit.
// The documents are the test split that scripts/train/prepare_data.py holds
// out of training; scripts/make-testdata.sh writes it to build/testdata/fortunes
// from Debian's fortunes packages (scripts/setup-toolchain.sh installs them).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { shutdown } from '../../web/src/index.js';
import {
  agreement, encoderFiles, heldOutDocuments, measureLanguageId, predictLabels,
} from '../../scripts/train/langid_runtime.mjs';
import { ROOT, TESTDATA, requireWasmBuild } from './helpers.mjs';

const TEST_TSV = path.join(TESTDATA, 'fortunes/langid/test.tsv');
const FORTUNES = '/usr/share/games/fortunes/de';  // fortunes-de: one of the packages needed
const DOCS = 2000;
const MIN_INT8_AGREEMENT = 0.995;  // issue 5
const MIN_Q4_AGREEMENT = 0.97;     // 4-bit loses more; it still must not change the task
const MIN_F32_ACCURACY = 0.9;      // what the model cards claim, held out

// Only a developer machine without the Debian packages may skip; CI, or a
// machine that has the packages but not the generated split, fails and says what to run.
function skipReason() {
  if (fs.existsSync(TEST_TSV)) return null;
  const how = "run 'npm run testdata' (bash scripts/make-testdata.sh)";
  if (process.env.CI || fs.existsSync(FORTUNES)) {
    throw new Error(`${path.relative(ROOT, TEST_TSV)} is missing: ${how}`);
  }
  return "Debian's fortunes packages are not installed (apt-get install fortunes fortunes-min " +
         `fortunes-de fortunes-it fortunes-es fortunes-pl fortunes-cs fortunes-ru), then ${how}`;
}

after(() => shutdown());

const reason = skipReason();
for (const name of ['lang-id-student', 'lang-id-pruned']) {
  test(`${name}: int8 / 4-bit argmax agreement with f32 on ${DOCS} held-out documents`,
       { skip: reason ?? false }, async () => {
    requireWasmBuild();
    const docs = heldOutDocuments(TEST_TSV, DOCS);
    assert.ok(docs.length >= 1000, `only ${docs.length} held-out documents in ${TEST_TSV}`);
    const r = await measureLanguageId(path.join(ROOT, 'demo/models', name), docs);
    console.log(name, JSON.stringify(r));
    const [f32, int8, q4] = r.dtypes;
    assert.ok(f32.accuracy >= MIN_F32_ACCURACY, `f32 accuracy ${f32.accuracy}`);
    assert.ok(int8.agreement_with_f32 >= MIN_INT8_AGREEMENT, `int8 agreement ${int8.agreement_with_f32}`);
    assert.ok(q4.agreement_with_f32 >= MIN_Q4_AGREEMENT, `4-bit agreement ${q4.agreement_with_f32}`);
  });
}

// The committed q8 GGUF beside each folder (scripts/train/all.sh writes it with
// `pocketformer convert --dtype q8`) must classify like the folder it came from.
for (const name of ['lang-id-student', 'lang-id-pruned']) {
  test(`${name}/model-q8.gguf agrees with the HF folder in int8 on ${DOCS} held-out documents`,
       { skip: reason ?? false }, async () => {
    requireWasmBuild();
    const dir = path.join(ROOT, 'demo/models', name);
    const texts = heldOutDocuments(TEST_TSV, DOCS).map((d) => d.text);
    const fromFolder = await predictLabels(encoderFiles(dir), 'int8', texts);
    const fromGguf = await predictLabels(path.join(dir, 'model-q8.gguf'), undefined, texts);
    const a = agreement(fromGguf, fromFolder);
    console.log(`${name}: GGUF q8 vs folder int8 agreement ${a}`);
    assert.ok(a >= MIN_INT8_AGREEMENT, `agreement ${a}`);
  });
}
