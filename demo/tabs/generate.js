// Text generation: streams the continuation token by token into a box of
// fixed height (the page does not move while it grows), with a Stop button
// wired to an AbortController and the sampling settings of the package.
import { errorText, formatMs, h } from '../lib/dom.js';

function numberField(label, attrs) {
  const input = h('input', { type: 'number', ...attrs });
  return [h('label', { class: 'field' }, h('span', {}, label), input), input];
}

export default {
  id: 'generate',
  title: 'Text generation',
  task: 'text-generation',
  files: 'A llama2.c model (model.bin + tokenizer.bin) or a Llama-family folder (config.json + model.safetensors).',
  tokens: true,

  create(ctx) {
    let pipe = null;
    let controller = null;

    const prompt = h('textarea', { class: 'prompt', rows: 2, 'aria-label': 'Prompt' });
    prompt.value = 'Once upon a time';
    const [maxBox, maxTokens] = numberField('Max tokens', { value: '200', min: '1', max: '4096', step: '1', class: 'max-tokens' });
    const sample = h('input', { type: 'checkbox', class: 'do-sample', checked: true });
    const sampleBox = h('label', { class: 'field check' }, sample, h('span', {}, 'Sample'));
    const [tempBox, temperature] = numberField('Temperature', { value: '0.8', min: '0', max: '2', step: '0.05', class: 'temperature' });
    const [topKBox, topK] = numberField('Top-k', { value: '40', min: '0', max: '1000', step: '1', class: 'top-k' });
    const [topPBox, topP] = numberField('Top-p', { value: '0.9', min: '0', max: '1', step: '0.05', class: 'top-p' });
    const [seedBox, seed] = numberField('Seed', { value: '', min: '0', step: '1', placeholder: 'random', class: 'seed' });
    const samplingFields = [temperature, topK, topP, seed];
    sample.addEventListener('change', () => {
      for (const f of samplingFields) f.disabled = !sample.checked;
    });

    const run = h('button', { type: 'submit', class: 'run', disabled: true }, 'Generate');
    const stop = h('button', { type: 'button', class: 'stop secondary', disabled: true, onclick: () => controller?.abort() }, 'Stop');
    const promptText = h('span', { class: 'gen-prompt' });
    const generated = document.createTextNode('');
    const output = h('div', { class: 'gen-output', 'aria-live': 'off', tabindex: '0', dataset: { chunks: '0' } },
      promptText, h('span', { class: 'gen-text' }, generated), h('span', { class: 'caret', 'aria-hidden': 'true' }));
    const live = h('p', { class: 'gen-stats', 'aria-live': 'polite' }, 'Output appears here token by token.');

    function options() {
      const num = (input) => Number(input.value);
      const o = { max_new_tokens: Math.max(1, Math.floor(num(maxTokens)) || 1), do_sample: sample.checked };
      if (sample.checked) {
        o.temperature = num(temperature);
        o.top_k = Math.floor(num(topK));
        o.top_p = num(topP);
        if (seed.value !== '') o.seed = Math.floor(num(seed));
      }
      return o;
    }

    async function generate() {
      if (!pipe || controller) return;
      const text = prompt.value;
      controller = new AbortController();
      const { signal } = controller;
      run.disabled = true;
      stop.disabled = false;
      output.classList.add('streaming');
      promptText.textContent = text;
      generated.data = '';
      let chunks = 0;
      output.dataset.chunks = '0';
      ctx.setState('running');
      live.textContent = 'Generating…';
      const started = performance.now();
      let firstAt = 0;
      try {
        for await (const piece of pipe.stream(text, { ...options(), signal })) {
          const now = performance.now();
          if (!firstAt) firstAt = now;
          chunks++;
          // Stick to the bottom only when the reader has not scrolled up.
          const atBottom = output.scrollHeight - output.scrollTop - output.clientHeight < 24;
          generated.appendData(piece);
          output.dataset.chunks = String(chunks);
          if (atBottom) output.scrollTop = output.scrollHeight;
          const seconds = (now - firstAt) / 1000;
          if (seconds > 0.05) ctx.liveTokensPerSecond((chunks - 1) / seconds);
          live.textContent = `${chunks} tokens` +
            (seconds > 0.05 ? ` · ${((chunks - 1) / seconds).toFixed(1)} tokens/s` : '') +
            ` · first token ${formatMs(firstAt - started)}`;
        }
        const stats = pipe.lastResult?.stats;
        const reason = pipe.lastResult?.stopReason;
        const ms = performance.now() - started;
        ctx.record(ms, { tokensPerSecond: stats?.tokensPerSecond });
        live.textContent = stats
          ? `${stats.newTokens} tokens in ${formatMs(stats.totalMs)} · ${stats.tokensPerSecond.toFixed(1)} tokens/s · ` +
            `first token ${formatMs(stats.firstTokenMs)}${reason ? ` · ended: ${reason}` : ''}`
          : `Done in ${formatMs(ms)}.`;
        ctx.setState('done');
      } catch (error) {
        if (signal.aborted) {
          const ms = performance.now() - started;
          const seconds = firstAt ? (performance.now() - firstAt) / 1000 : 0;
          const tps = seconds > 0 && chunks > 1 ? (chunks - 1) / seconds : undefined;
          ctx.record(ms, { tokensPerSecond: tps });
          live.textContent = `Stopped after ${chunks} tokens (${formatMs(ms)})` +
            (tps ? ` · ${tps.toFixed(1)} tokens/s` : '') + '.';
          ctx.setState('stopped');
        } else {
          live.textContent = errorText(error);
          ctx.setState('error');
        }
      } finally {
        controller = null;
        output.classList.remove('streaming');
        stop.disabled = true;
        run.disabled = !pipe;
      }
    }

    const element = h('section', { class: 'card task', 'aria-label': 'Text generation' },
      h('h2', {}, 'Text generation'),
      h('form', { class: 'gen-form', onsubmit: (e) => { e.preventDefault(); generate(); } },
        prompt,
        h('div', { class: 'gen-controls' }, maxBox, sampleBox, tempBox, topKBox, topPBox, seedBox),
        h('div', { class: 'buttons' }, run, stop)),
      output, live);

    return {
      element,
      onModel(p) {
        pipe = p;
        run.disabled = !!controller;
      },
      onUnload() {
        controller?.abort();
        pipe = null;
        run.disabled = true;
      },
    };
  },
};
