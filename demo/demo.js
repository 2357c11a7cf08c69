// The demo page: uses the package exactly as a user would.
import { pipeline, env } from '../web/src/index.js';

const DEFAULT_MODEL = '../build/models/tiny-bert/';

const $ = (id) => document.getElementById(id);
const els = {
  form: $('model-form'),
  modelInput: $('model-input'),
  dtype: $('dtype-select'),
  loadButton: $('load-button'),
  files: $('files'),
  status: $('status'),
  notice: $('model-notice'),
  textA: $('text-a'),
  textB: $('text-b'),
  compare: $('compare-button'),
  similarity: $('similarity'),
  bar: $('similarity-bar'),
  threads: $('threads'),
  isolated: $('isolated'),
  variant: $('variant'),
  loadTime: $('load-time'),
  latency: $('latency'),
  shape: $('model-shape'),
};

let extractor = null;
let loadController = null;

function setState(state) {
  document.body.dataset.state = state;
}

function setStatus(text, kind = '') {
  els.status.textContent = text;
  els.status.className = 'status' + (kind ? ' ' + kind : '');
}

function formatBytes(n) {
  if (!n) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function formatMs(ms) {
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** One <li> with a <progress> per file. */
const fileRows = new Map();
function fileRow(file) {
  let row = fileRows.get(file);
  if (!row) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'file-name';
    name.textContent = file;
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', `${file} download progress`);
    const size = document.createElement('span');
    size.className = 'file-size';
    li.append(name, bar, size);
    els.files.append(li);
    row = { li, bar, size };
    fileRows.set(file, row);
  }
  return row;
}

function onProgress(event) {
  if (!event.file) return;
  const row = fileRow(event.file);
  if (event.status === 'progress' || event.status === 'done') {
    row.bar.value = event.status === 'done' ? 100 : event.progress || 0;
    const total = event.total || event.loaded;
    row.size.textContent =
      event.status === 'done' ? formatBytes(total) : `${formatBytes(event.loaded)} / ${formatBytes(total)}`;
    if (event.status === 'done') row.li.classList.add('done');
  }
}

function showError(error) {
  const code = error && error.code ? `${error.code}: ` : '';
  setStatus(`${code}${error && error.message ? error.message : error}`, 'error');
}

async function loadModel(model) {
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  setState('loading');
  els.compare.disabled = true;
  els.loadButton.disabled = true;
  els.similarity.textContent = '–';
  els.bar.style.width = '0';
  els.files.textContent = '';
  fileRows.clear();
  els.notice.hidden = !(model === DEFAULT_MODEL || /tiny-bert\/?$/.test(model));
  setStatus(`Loading ${model} …`);
  const previous = extractor;
  extractor = null;
  await previous?.dispose();
  const started = performance.now();
  try {
    const fe = await pipeline('feature-extraction', model, {
      dtype: els.dtype.value,
      progress_callback: onProgress,
      signal: controller.signal,
    });
    if (controller !== loadController) {
      await fe.dispose();
      return;
    }
    extractor = fe;
    const info = fe.info;
    const loadMs = performance.now() - started;
    els.threads.textContent = String(info.threads);
    els.variant.textContent = `${info.variant}${info.worker ? ' (worker)' : ''}`;
    els.loadTime.textContent = formatMs(loadMs);
    els.shape.textContent = `${info.hiddenSize} dims, ≤${info.maxLength} tokens`;
    setStatus(`Ready: ${model}`, 'ok');
    setState('ready');
    els.compare.disabled = false;
  } catch (error) {
    if (controller !== loadController) return;
    setState('error');
    if (error.code === 'MODEL_NOT_FOUND' && model === DEFAULT_MODEL) {
      setStatus(
        `The default test model is not at ${model}. Run 'npm run demo' (it generates it), ` +
          'or enter another model above.',
        'error',
      );
    } else {
      showError(error);
    }
  } finally {
    if (controller === loadController) els.loadButton.disabled = false;
  }
}

async function compare() {
  if (!extractor) return;
  const a = els.textA.value;
  const b = els.textB.value;
  els.compare.disabled = true;
  setState('running');
  try {
    const started = performance.now();
    const out = await extractor([a, b], { pooling: 'mean', normalize: true });
    const latency = performance.now() - started;
    const [h] = out.dims.slice(1);
    let cosine = 0;
    for (let i = 0; i < h; i++) cosine += out.data[i] * out.data[h + i];
    els.similarity.textContent = cosine.toFixed(6);
    els.bar.style.width = `${Math.max(0, Math.min(1, (cosine + 1) / 2)) * 100}%`;
    els.latency.textContent = formatMs(latency);
    setState('done');
  } catch (error) {
    showError(error);
    setState('error');
  } finally {
    els.compare.disabled = !extractor;
  }
}

function init() {
  els.isolated.textContent = globalThis.crossOriginIsolated ? 'yes' : 'no (single thread)';
  const params = new URLSearchParams(location.search);
  const model = params.get('model') || DEFAULT_MODEL;
  els.modelInput.value = model;
  if (params.has('dtype')) els.dtype.value = params.get('dtype');
  els.dtype.addEventListener('change', () => {
    const value = els.modelInput.value.trim();
    if (value) loadModel(value);
  });
  if (params.has('threads')) env.numThreads = Number(params.get('threads')) || env.numThreads;
  els.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = els.modelInput.value.trim();
    if (value) loadModel(value);
  });
  els.compare.addEventListener('click', compare);
  for (const box of [els.textA, els.textB]) {
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) compare();
    });
  }
  loadModel(model);
}

init();
