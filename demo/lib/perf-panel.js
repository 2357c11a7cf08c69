// The performance panel: load time, latency of the last call, tokens/s, the
// wasm heap, and a small canvas plot of latency over the last calls. One
// panel for the page; it shows the numbers of the tab in view.
import { formatBytes, formatMs, h } from './dom.js';

const HISTORY = 30;

/** Per-tab numbers the panel shows. */
export class PerfRecord {
  constructor() {
    this.pipeline = null;
    this.loadMs = NaN;
    this.latencies = [];
    this.calls = 0;
    this.tokensPerSecond = NaN;
  }

  loaded(pipe) {
    this.pipeline = pipe;
    this.loadMs = pipe.info.loadMs;
    this.latencies = [];
    this.calls = 0;
    this.tokensPerSecond = NaN;
  }

  unloaded() {
    this.pipeline = null;
  }

  call(ms, { tokensPerSecond } = {}) {
    this.calls++;
    this.latencies.push(ms);
    if (this.latencies.length > HISTORY) this.latencies.shift();
    if (tokensPerSecond !== undefined) this.tokensPerSecond = tokensPerSecond;
  }
}

export class PerfPanel {
  constructor() {
    const stat = (label, cls) => {
      const dd = h('dd', { class: cls }, '–');
      return [h('div', {}, h('dt', {}, label), dd), dd];
    };
    const [loadBox, load] = stat('Load time', 'perf-load');
    const [latBox, latency] = stat('Last call', 'perf-latency');
    const [tpsBox, tps] = stat('Tokens/s', 'perf-tps');
    const [callsBox, calls] = stat('Calls', 'perf-calls');
    const [heapBox, heap] = stat('Wasm heap', 'perf-heap');
    this.dd = { load, latency, tps, calls, heap };
    this.tpsBox = tpsBox;
    this.callsBox = callsBox;
    this.canvas = h('canvas', { class: 'perf-plot', width: 300, height: 70, 'aria-label': 'Latency of the last calls' });
    this.caption = h('p', { class: 'perf-caption' }, 'Latency of the last calls');
    this.element = h('section', { class: 'card perf', 'aria-label': 'Performance' },
      h('h2', {}, 'Performance'),
      h('dl', { class: 'stats' }, loadBox, latBox, tpsBox, callsBox, heapBox),
      this.canvas, this.caption);
    this.record = null;
    this.timer = setInterval(() => this.refreshHeap(), 1500);
    window.addEventListener('resize', () => this.draw());
  }

  /** Shows a tab's record; `tokens` says whether tokens/s applies to it. */
  show(record, { tokens = false } = {}) {
    this.record = record;
    // Four boxes either way: tokens/s where it applies, the call count elsewhere.
    this.tpsBox.hidden = !tokens;
    this.callsBox.hidden = tokens;
    this.update();
  }

  update() {
    const r = this.record;
    if (!r) return;
    this.dd.load.textContent = r.pipeline ? formatMs(r.loadMs) : '–';
    const last = r.latencies[r.latencies.length - 1];
    this.dd.latency.textContent = last === undefined ? '–' : formatMs(last);
    this.dd.calls.textContent = r.pipeline ? String(r.calls) : '–';
    this.dd.tps.textContent = Number.isFinite(r.tokensPerSecond) ? r.tokensPerSecond.toFixed(1) : '–';
    this.draw();
    this.refreshHeap();
  }

  updateSoon() {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.update();
    }, 250);
  }

  /** Live numbers from the runtime; not queued behind a running call. */
  async refreshHeap() {
    const pipe = this.record?.pipeline;
    if (!pipe || document.hidden) return;
    try {
      const { heapBytes } = await pipe.runtimeStats();
      if (this.record?.pipeline === pipe) this.dd.heap.textContent = formatBytes(heapBytes);
    } catch {
      // disposed meanwhile
    }
  }

  draw() {
    const canvas = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(120, Math.round(canvas.clientWidth || 300));
    const height = 70;
    if (canvas.width !== width * dpr) {
      canvas.width = width * dpr;
      canvas.height = height * dpr;
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const style = getComputedStyle(canvas);
    const accent = style.getPropertyValue('--accent').trim() || '#2f5bd3';
    const line = style.getPropertyValue('--line').trim() || '#ddd';
    const muted = style.getPropertyValue('--muted').trim() || '#666';
    ctx.strokeStyle = line;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, height - 0.5);
    ctx.lineTo(width, height - 0.5);
    ctx.stroke();
    const values = this.record?.latencies || [];
    if (!values.length) {
      this.caption.textContent = 'Latency of the last calls (none yet)';
      return;
    }
    const max = Math.max(...values) * 1.15;
    const step = width / HISTORY;
    const barWidth = Math.max(2, step - 2);
    ctx.fillStyle = accent;
    values.forEach((v, i) => {
      const barHeight = Math.max(2, ((height - 14) * v) / max);
      const x = (HISTORY - values.length + i) * step + 1;
      ctx.fillRect(x, height - barHeight, barWidth, barHeight);
    });
    ctx.fillStyle = muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillText(`max ${formatMs(Math.max(...values))}`, 2, 0);
    const sorted = [...values].sort((a, b) => a - b);
    this.caption.textContent =
      `Latency of the last ${values.length} call${values.length > 1 ? 's' : ''} ` +
      `(median ${formatMs(sorted[Math.floor(sorted.length / 2)])})`;
  }
}
