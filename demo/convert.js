// The converter page: a model folder (dropped, chosen, a URL or a bundled
// one) -> convertToGguf() -> the accuracy report and a download link.
import { convertToGguf } from '../web/src/index.js';
import { errorText, formatBytes, formatMs, h } from './lib/dom.js';
import { filesFromDrop } from './lib/model-picker.js';

const BUNDLED = [
  ['./models/lang-id-student/', 'lang-id-student (BERT)'],
  ['./models/lang-id-pruned/', 'lang-id-pruned (pruned BERT)'],
  ['./models/tiny-lm-student/', 'tiny-lm-student (Llama)'],
];
const DTYPES = [['q8', 'Q8_0 (8-bit)'], ['q4', 'Q4_0 (4-bit)'], ['f16', 'F16'], ['f32', 'F32']];

const root = document.getElementById('convert');
const url = h('input', { type: 'text', class: 'model-input', spellcheck: 'false', 'aria-label': 'Model folder URL',
  placeholder: 'folder URL ending in /' });
const dtype = h('select', { class: 'dtype-select', 'aria-label': 'GGUF type' },
  DTYPES.map(([value, label]) => h('option', { value }, label)));
const samples = h('textarea', { class: 'input-text', rows: 4, 'aria-label': 'Held-out texts, one per line' });
samples.value = 'The weather is lovely today.\nDer Hund schläft unter dem Tisch.\nLa vita è bella.';
const button = h('button', { type: 'submit', class: 'run' }, 'Convert');
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, 'Choose a model.');
const table = h('pre', { class: 'report', 'aria-label': 'Accuracy report' });
const download = h('p', { class: 'download' });
let files = null;  // dropped / chosen files, else the URL is used
let objectUrl = null;

const fileInput = h('input', { type: 'file', multiple: true, class: 'visually-hidden', tabindex: '-1',
  onchange: () => useFiles([...fileInput.files]) });
const drop = h('label', { class: 'drop-zone' }, fileInput,
  h('span', {}, 'Drop a model folder here, or '), h('span', { class: 'link' }, 'choose files'),
  h('span', { class: 'drop-hint' }, 'config.json + model.safetensors + vocab.txt / tokenizer.json ' +
    '(BERT, DistilBERT, Llama, Qwen2), or a llama2.c model .bin + tokenizer .bin.'));
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  useFiles(await filesFromDrop(e.dataTransfer));
});

function useFiles(list) {
  if (!list.length) return;
  files = Object.fromEntries(list.map((f) => [f.name, f]));
  url.value = '';
  status.textContent = `Local files: ${Object.keys(files).sort().join(', ')}.`;
}

async function convert() {
  const model = files || url.value.trim();
  if (!model) {
    status.textContent = 'Choose a model first.';
    return;
  }
  button.disabled = true;
  root.dataset.state = 'running';
  status.className = 'status';
  status.textContent = 'Converting…';
  table.textContent = '';
  download.replaceChildren();
  const t0 = performance.now();
  try {
    const texts = samples.value.split('\n').map((s) => s.trim()).filter(Boolean);
    const result = await convertToGguf(model, { dtype: dtype.value, samples: texts.length ? texts : undefined });
    const ms = performance.now() - t0;
    table.textContent = result.table;
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = URL.createObjectURL(new Blob([result.gguf], { type: 'application/octet-stream' }));
    const name = `${modelName(model)}-${dtype.value}.gguf`;
    download.replaceChildren(h('a', { href: objectUrl, download: name, class: 'run' }, `Download ${name}`),
      ` ${formatBytes(result.gguf.length)}`);
    status.className = 'status ok';
    status.textContent = `Converted in ${formatMs(ms)}: ${formatBytes(result.report.bytes_before)} → ` +
      `${formatBytes(result.report.bytes_after)}.`;
    root.dataset.state = 'done';
  } catch (error) {
    status.className = 'status error';
    status.textContent = errorText(error);
    root.dataset.state = 'error';
  } finally {
    button.disabled = false;
  }
}

function modelName(model) {
  if (typeof model !== 'string') return 'model';
  return model.replace(/\/+$/, '').split('/').pop() || 'model';
}

const chips = h('div', { class: 'chips' }, h('span', { class: 'chips-label' }, 'Bundled:'),
  BUNDLED.map(([href, name]) => h('button', { type: 'button', class: 'chip',
    onclick: () => { files = null; url.value = href; status.textContent = `Model: ${name}.`; } }, name)));

root.append(h('section', { class: 'card', 'aria-label': 'Convert' },
  h('h2', {}, 'Model'), chips,
  h('form', { class: 'model-row', onsubmit: (e) => { e.preventDefault(); convert(); } }, url, dtype, button),
  drop,
  h('h2', {}, 'Held-out texts for the accuracy report'), samples,
  status, download, table));
root.dataset.state = 'idle';
