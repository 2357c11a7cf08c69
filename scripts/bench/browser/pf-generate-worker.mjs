// pocketformer side of `npm run bench:generate`: a module worker that owns
// one wasm module (as the package's own worker does) and times prefill and
// decode through the TextGenerator step API. Messages: {load: {...}} and
// {measure: {threads, promptIds, decodeTokens}}; replies {ok, result} or
// {ok: false, error}.
let Module = null;
let generator = null;

async function load({ variant, maxThreads, source, url, configUrl, dtype }) {
  const { default: createPocketformer } = await import(`/dist/pocketformer-${variant}.mjs`);
  Module = await createPocketformer({ numThreads: maxThreads });
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const t0 = performance.now();
  if (source === 'gguf') {
    generator = Module.TextGenerator.loadGguf(bytes, dtype || 'auto', 0, '');
  } else {
    const config = await (await fetch(configUrl)).text();
    generator = Module.TextGenerator.loadHf(config, bytes, dtype, 0, '', '');
  }
  const c = generator.config();
  // Bytes a decode step reads: every linear layer's weights and the LM head;
  // the f32 embedding table (one row per token) and norms are not streamed.
  const embeddingAndNorms = (c.vocabSize * c.hiddenSize + (2 * c.layers + 1) * c.hiddenSize) * 4;
  return { loadMs: performance.now() - t0, dtype: c.dtype, weightBytes: c.weightBytes,
           bytesPerToken: c.weightBytes - embeddingAndNorms, file: url, fileBytes: bytes.length };
}

// Prefill = start() on the prompt; decode = decodeTokens next() calls, each
// of which samples one token and runs the model on it (maxNewTokens is one
// more, so the last timed call still runs the model). EOS is disabled so
// the work is fixed whatever random weights produce.
function measure({ threads, promptIds, decodeTokens }) {
  const inUse = Module.setNumThreads(threads);
  generator.reset();
  const t0 = performance.now();
  generator.start(promptIds, { maxNewTokens: decodeTokens + 1, eosTokenIds: [], temperature: 0 });
  const t1 = performance.now();
  let produced = 0;
  for (let i = 0; i < decodeTokens; ++i) if (generator.next() >= 0) ++produced;
  const t2 = performance.now();
  return { threads: inUse, promptTokens: promptIds.length, prefillMs: t1 - t0,
           decodeTokens: produced, decodeMs: t2 - t1 };
}

self.onmessage = async ({ data }) => {
  try {
    const result = data.load ? await load(data.load) : measure(data.measure);
    self.postMessage({ ok: true, result });
  } catch (e) {
    self.postMessage({ ok: false, error: `${e && e.code ? e.code + ': ' : ''}${e && e.message || e}` });
  }
};
