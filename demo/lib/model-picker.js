// The model picker each tab shows: bundled defaults, a URL / Hugging Face
// repo id field, drag-and-drop (or choose) of local files, the precision
// selector, one progress bar per downloaded file and a status line.
import { pipeline } from '../../web/src/index.js';
import { KIND_LABELS } from './catalog.js';
import { errorText, formatBytes, h } from './dom.js';

const PRECISIONS = [
  ['f32', 'f32'],
  ['int8', 'int8'],
  ['q4', '4-bit'],
];

export class ModelPicker {
  /**
   * @param {{task: string, defaults: {url: string, name: string, kind: string, about: string}[],
   *   files: string, onState: (state: string) => void,
   *   onLoad: (pipe: any, source: {label: string, entry: object|null}) => void,
   *   onUnload: () => void}} options
   *   files: a sentence naming the files a model of this task needs
   */
  constructor({ task, defaults, files, onState, onLoad, onUnload }) {
    this.task = task;
    this.defaults = defaults;
    this.onState = onState;
    this.onLoad = onLoad;
    this.onUnload = onUnload;
    this.pipeline = null;
    this.controller = null;
    /** What the last load was given: a URL/repo id string, or a file map. */
    this.current = null;
    this.rows = new Map();

    this.input = h('input', {
      type: 'text', class: 'model-input', spellcheck: 'false', autocomplete: 'off',
      placeholder: 'folder URL ending in /, or org/name', 'aria-label': 'Model URL or Hugging Face repo id',
    });
    this.dtype = h('select', { class: 'dtype-select', 'aria-label': 'Precision', title: 'Weight precision (quantized in the browser at load)' },
      PRECISIONS.map(([value, label]) => h('option', { value }, label)));
    this.loadButton = h('button', { type: 'submit', class: 'load-button' }, 'Load');
    this.form = h('form', { class: 'model-row', onsubmit: (e) => { e.preventDefault(); this.loadInput(); } },
      this.input, this.dtype, this.loadButton);
    this.dtype.addEventListener('change', () => { if (this.current) this.load(this.current, this.currentLabel); });

    this.chips = h('div', { class: 'chips' },
      defaults.length ? h('span', { class: 'chips-label' }, 'Bundled:') : null,
      defaults.map((entry) => h('button', {
        type: 'button', class: 'chip', title: entry.url,
        onclick: () => { this.input.value = entry.url; this.load(entry.url); },
      }, entry.name)));

    this.fileInput = h('input', { type: 'file', multiple: true, class: 'visually-hidden', tabindex: '-1',
      onchange: () => { if (this.fileInput.files.length) this.loadFiles([...this.fileInput.files]); } });
    this.drop = h('label', { class: 'drop-zone' },
      this.fileInput,
      h('span', {}, 'Drop model files or a folder here, or '),
      h('span', { class: 'link' }, 'choose files'),
      h('span', { class: 'drop-hint' }, files));
    this.drop.addEventListener('dragover', (e) => { e.preventDefault(); this.drop.classList.add('over'); });
    this.drop.addEventListener('dragleave', () => this.drop.classList.remove('over'));
    this.drop.addEventListener('drop', async (e) => {
      e.preventDefault();
      this.drop.classList.remove('over');
      const dropped = await filesFromDrop(e.dataTransfer);
      if (dropped.length) this.loadFiles(dropped);
    });

    this.notice = h('p', { class: 'model-notice', hidden: true, role: 'note' });
    this.list = h('ul', { class: 'files', 'aria-label': 'Download progress' });
    this.status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, 'Not loaded.');
    this.element = h('section', { class: 'card picker', 'aria-label': 'Model' },
      h('h2', {}, 'Model'), this.chips, this.form, this.drop, this.notice, this.list, this.status);
  }

  setStatus(text, kind = '') {
    this.status.textContent = text;
    this.status.className = 'status' + (kind ? ' ' + kind : '');
  }

  loadInput() {
    const value = this.input.value.trim();
    if (value) this.load(value);
  }

  /** Local files become a {name: File} map, the package's in-memory model form. */
  loadFiles(files) {
    const map = {};
    for (const file of files) map[file.name] = file;
    const names = Object.keys(map).sort().join(', ');
    this.input.value = '';
    this.load(map, `local files (${names})`);
  }

  showNotice(entry) {
    if (!entry) {
      this.notice.hidden = true;
      return;
    }
    this.notice.hidden = false;
    this.notice.className = `model-notice kind-${entry.kind}`;
    this.notice.replaceChildren(h('strong', {}, `${entry.name}: ${KIND_LABELS[entry.kind]}.`), ' ', entry.about);
  }

  fileRow(file) {
    let row = this.rows.get(file);
    if (!row) {
      const bar = h('progress', { max: 100, value: 0, 'aria-label': `${file} download progress` });
      const size = h('span', { class: 'file-size' }, 'waiting');
      const li = h('li', {}, h('span', { class: 'file-name' }, file), bar, size);
      this.list.append(li);
      row = { li, bar, size, done: false };
      this.rows.set(file, row);
    }
    return row;
  }

  onProgress(event) {
    if (!event.file) return;
    const row = this.fileRow(event.file);
    if (event.status === 'progress') {
      row.bar.value = event.progress || 0;
      row.size.textContent = event.total
        ? `${formatBytes(event.loaded)} / ${formatBytes(event.total)}`
        : formatBytes(event.loaded);
    } else if (event.status === 'done') {
      row.done = true;
      row.bar.value = 100;
      row.size.textContent = formatBytes(event.total || event.loaded) || '0 B';
      row.li.classList.add('done');
    }
  }

  /**
   * Loads a model (URL, repo id or file map) with the selected precision,
   * replacing the current one.
   */
  async load(model, label = String(model)) {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.current = model;
    this.currentLabel = label;
    const entry = typeof model === 'string' ? this.defaults.find((d) => d.url === model) || null : null;
    this.showNotice(entry);
    this.list.replaceChildren();
    this.rows.clear();
    this.setStatus(`Loading ${label} (${this.dtype.selectedOptions[0].textContent}) …`);
    this.onState('loading');
    const previous = this.pipeline;
    this.pipeline = null;
    if (previous) {
      this.onUnload();
      await previous.dispose();
    }
    try {
      const pipe = await pipeline(this.task, model, {
        dtype: this.dtype.value,
        progress_callback: (event) => { if (controller === this.controller) this.onProgress(event); },
        signal: controller.signal,
      });
      if (controller !== this.controller) {
        await pipe.dispose();
        return;
      }
      // Optional files a model does not have were tried and skipped.
      for (const [file, row] of this.rows) {
        if (!row.done) {
          row.li.remove();
          this.rows.delete(file);
        }
      }
      this.pipeline = pipe;
      this.setStatus(`Ready: ${label}`, 'ok');
      this.onState('ready');
      this.onLoad(pipe, { label, entry });
    } catch (error) {
      if (controller !== this.controller) return;
      for (const row of this.rows.values()) if (!row.done) row.size.textContent = '–';
      let text = errorText(error);
      if (error.code === 'MODEL_NOT_FOUND' && entry) {
        text += ` — ${entry.howTo || "the bundled models are made by 'npm run demo'; run it"}, or load another model above.`;
      }
      this.setStatus(text, 'error');
      this.onState('error');
    }
  }
}

/** Files from a drop: plain files, and the files inside dropped folders. */
export async function filesFromDrop(dataTransfer) {
  const entries = [...(dataTransfer.items || [])]
    .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
    .filter(Boolean);
  if (!entries.length) return [...(dataTransfer.files || [])];
  const out = [];
  const walk = async (entry, depth) => {
    if (entry.isFile) {
      out.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    } else if (entry.isDirectory && depth < 2) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child, depth + 1);
      }
    }
  };
  for (const entry of entries) await walk(entry, 0);
  return out;
}
