// The demo site: one tab per task the package supports. It uses the package
// exactly as a user would (import { pipeline, env } from the package entry).
import { env, pipeline } from '../web/src/index.js';
import { availableDefaults } from './lib/catalog.js';
import { h } from './lib/dom.js';
import { ModelPicker } from './lib/model-picker.js';
import { PerfPanel, PerfRecord } from './lib/perf-panel.js';
import classify from './tabs/classify.js';
import fillMask from './tabs/fill-mask.js';
import generate from './tabs/generate.js';
import ner from './tabs/ner.js';
import qa from './tabs/qa.js';
import search from './tabs/search.js';

// Tabs whose task this build of the package does not know are left out.
const TABS = [search, classify, ner, qa, fillMask, generate];

const params = new URLSearchParams(location.search);
if (params.has('threads')) env.numThreads = Number(params.get('threads')) || env.numThreads;

/**
 * Whether the package knows a task, asked without loading anything: an
 * unknown task is refused (UNSUPPORTED_TASK) before any option is looked at,
 * so a deliberately invalid dtype makes a known task fail at once too.
 */
async function supports(task) {
  try {
    await pipeline(task, {}, { dtype: '(probe)' });
    return true;
  } catch (error) {
    return error?.code !== 'UNSUPPORTED_TASK';
  }
}

const badge = document.getElementById('runtime-badge');
function showRuntime(info) {
  const isolated = info ? info.crossOriginIsolated : globalThis.crossOriginIsolated;
  const parts = [];
  if (info) parts.push(`${info.threads} thread${info.threads === 1 ? '' : 's'}`, `build ${info.variant}`);
  parts.push(isolated ? 'cross-origin isolated' : 'not isolated: 1 thread');
  badge.replaceChildren(...parts.map((p) => h('span', {}, p)));
  badge.classList.toggle('warn', !isolated);
  if (info) {
    badge.dataset.threads = String(info.threads);
    badge.dataset.variant = info.variant;
  }
  badge.dataset.isolated = String(!!isolated);
}

const perf = new PerfPanel();
const tabBar = document.getElementById('tabs');
const panels = document.getElementById('panels');
document.getElementById('perf-slot').append(perf.element);

const tabs = [];
function activate(tab, { focus = false } = {}) {
  for (const t of tabs) {
    const on = t === tab;
    t.button.setAttribute('aria-selected', String(on));
    t.button.tabIndex = on ? 0 : -1;
    t.panel.hidden = !on;
  }
  if (focus) tab.button.focus();
  perf.show(tab.record, { tokens: tab.def.tokens });
  if (!tab.started) {
    tab.started = true;
    const model = tab.initialModel;
    if (model) {
      tab.picker.input.value = model;
      tab.picker.load(model);
    } else {
      tab.picker.setStatus('No bundled model for this task: enter a URL or repo id, or drop files.');
    }
  }
  if (location.hash !== `#${tab.def.id}`) history.replaceState(null, '', `${location.search}#${tab.def.id}`);
}

async function main() {
  showRuntime(null);
  const [supported, defaults] = await Promise.all([
    Promise.all(TABS.map((t) => supports(t.task))),
    Promise.all(TABS.map((t) => availableDefaults(t.task))),
  ]);
  const wanted = (location.hash.slice(1) || params.get('tab') || TABS[0].id);
  const initial = TABS.find((t, i) => supported[i] && t.id === wanted) || TABS.find((_, i) => supported[i]);
  TABS.forEach((def, i) => {
    if (!supported[i]) return;
    const record = new PerfRecord();
    const panel = h('div', { class: 'panel', id: `tab-${def.id}`, role: 'tabpanel', hidden: true,
      'aria-labelledby': `tab-button-${def.id}`, dataset: { state: 'idle' } });
    const tab = { def, record, panel, started: false };
    const setState = (state) => { panel.dataset.state = state; };
    const view = def.create({
      setState,
      record: (ms, extra) => {
        record.call(ms, extra);
        if (!panel.hidden) perf.update();
      },
      // Tokens/s while a generation runs (the panel redraws at most 4 times a second).
      liveTokensPerSecond: (tps) => {
        record.tokensPerSecond = tps;
        if (!panel.hidden) perf.updateSoon();
      },
    });
    tab.picker = new ModelPicker({
      task: def.task,
      defaults: defaults[i],
      files: def.files,
      onState: setState,
      onLoad: (pipe) => {
        record.loaded(pipe);
        showRuntime(pipe.info);
        view.onModel(pipe);
        if (!panel.hidden) perf.update();
      },
      onUnload: () => {
        record.unloaded();
        view.onUnload();
        if (!panel.hidden) perf.update();
      },
    });
    const useParams = def === initial;
    if (useParams && params.has('dtype')) tab.picker.dtype.value = params.get('dtype');
    tab.initialModel = (useParams && params.get('model')) || defaults[i][0]?.url || '';
    panel.append(tab.picker.element, view.element);
    panels.append(panel);
    tab.button = h('button', { type: 'button', role: 'tab', id: `tab-button-${def.id}`, class: 'tab',
      'aria-controls': panel.id, 'aria-selected': 'false', onclick: () => activate(tab) }, def.title);
    tabBar.append(tab.button);
    tabs.push(tab);
  });
  tabBar.addEventListener('keydown', (e) => {
    const i = tabs.findIndex((t) => t.button === document.activeElement);
    if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    activate(next, { focus: true });
  });
  window.addEventListener('hashchange', () => {
    const tab = tabs.find((t) => `#${t.def.id}` === location.hash);
    if (tab) activate(tab);
  });
  const first = tabs.find((t) => t.def === initial);
  if (first) activate(first);
  document.body.dataset.ready = 'true';
}

main();
