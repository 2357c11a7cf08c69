// Benchmarks in headless Debian Chromium: the browser tests' settings
// (tests/browser via ../../../playwright.config.mjs: same server with the
// cross-origin isolation headers threads need) but their own folder, so
// `npm test` never runs them and they never decide pass/fail.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import base from '../../../playwright.config.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export default {
  ...base,
  testDir: '.',
  testMatch: '*.bench.mjs',
  outputDir: path.join(ROOT, 'test-results/playwright-bench'),
  timeout: 60 * 60_000,
  webServer: { ...base.webServer, cwd: ROOT },
};
