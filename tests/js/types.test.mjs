// The shipped TypeScript declarations (web/src/index.d.ts) compile under
// `tsc --strict` together with tests/types/usage.ts, which uses every public
// entry point as the README shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { ROOT } from './helpers.mjs';

test('index.d.ts compiles and covers the documented API (tsc --strict)', () => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [
    tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', '--skipLibCheck', 'false',
    path.join(ROOT, 'tests/types/usage.ts'),
  ], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
