// Small DOM and formatting helpers shared by the demo's tabs.

/**
 * Creates an element: h('button', {class: 'x', onclick: fn}, 'text', child).
 * Attributes starting with "on" become listeners; `dataset` sets data-*.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key in el && typeof value !== 'string') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function formatBytes(n) {
  if (!n) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** "CODE: message" for a PocketformerError, the message otherwise. */
export function errorText(error) {
  const code = error && error.code ? `${error.code}: ` : '';
  return `${code}${error && error.message ? error.message : error}`;
}

/** Cosine similarity of two equal-length vectors. */
export function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** A label with a score bar and the score to three decimals. */
export function scoreRow(label, score, attrs = {}) {
  return h('li', { class: 'score-row', dataset: { score: String(score) }, ...attrs },
    h('span', { class: 'result-text' }, label),
    h('span', { class: 'score' },
      h('span', { class: 'score-bar' }, h('span', { style: `width:${Math.max(0, Math.min(1, score)) * 100}%` })),
      h('span', { class: 'score-value' }, score.toFixed(3))));
}

/**
 * The text with [start, end) spans wrapped in <mark>s (spans sorted, not
 * overlapping); `decorate(mark, span)` adds labels or classes.
 */
export function markSpans(text, spans, decorate = () => {}) {
  const out = [];
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at || span.end <= span.start || span.end > text.length) continue;
    if (span.start > at) out.push(text.slice(at, span.start));
    const mark = h('mark', {}, text.slice(span.start, span.end));
    decorate(mark, span);
    out.push(mark);
    at = span.end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** Runs one pipeline call, records its latency, and returns [result, ms]. */
export async function timed(ctx, call) {
  const started = performance.now();
  const result = await call();
  const ms = performance.now() - started;
  ctx.record(ms);
  return [result, ms];
}
