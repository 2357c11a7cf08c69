// The converter page (demo/convert.html) as a person uses it: pick a bundled
// model, convert it in the page's worker, read the accuracy report, and get a
// GGUF download that loads back with pipeline(); a bad model URL shows the
// error and the page converts again afterwards.
import { test, expect } from '@playwright/test';

test('convert a bundled BERT to Q8_0 GGUF in the page and download it', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/demo/convert.html');
  await page.getByRole('button', { name: 'lang-id-student (BERT)' }).click();
  await page.getByLabel('GGUF type').selectOption('q8');
  await page.getByRole('button', { name: 'Convert' }).click();
  const root = page.locator('#convert');
  await expect(root).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  const report = page.getByLabel('Accuracy report');
  await expect(report).toContainText('sequence-classification argmax agreement');
  await expect(report).toContainText('3 samples');

  const link = page.getByRole('link', { name: /Download lang-id-student-q8\.gguf/ });
  await expect(link).toHaveAttribute('download', 'lang-id-student-q8.gguf');
  // The download is a real GGUF the package loads and runs.
  const label = await page.evaluate(async (href) => {
    const bytes = new Uint8Array(await (await fetch(href)).arrayBuffer());
    if (String.fromCharCode(...bytes.slice(0, 4)) !== 'GGUF') return 'not a GGUF';
    const { pipeline } = await import('/web/src/index.js');
    const classify = await pipeline('text-classification', new Blob([bytes]));
    const [top] = await classify('Der Hund schläft unter dem Tisch und träumt von Knochen.');
    await classify.dispose();
    return top.label;
  }, await link.getAttribute('href'));
  expect(label).toBe('de');

  await page.getByLabel('Model folder URL').fill('./models/no-such-model/');
  await page.getByRole('button', { name: 'Convert' }).click();
  await expect(root).toHaveAttribute('data-state', 'error');
  // Required files download in parallel and the first 404 cancels the rest,
  // so either one may be the file the message names.
  await expect(page.getByRole('status')).toContainText(/(config\.json|model\.safetensors): not found/);

  await page.getByRole('button', { name: 'tiny-lm-student (Llama)' }).click();
  await page.getByRole('button', { name: 'Convert' }).click();
  await expect(root).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(report).toContainText('perplexity');
  expect(errors).toEqual([]);
});
