// A Vite app using the package as users would: import from 'pocketformer',
// serve the wasm builds from public/pocketformer/.
import { pipeline, env } from 'pocketformer';

env.wasmBaseUrl = new URL('./pocketformer/', location.href);
try {
  const extractor = await pipeline('feature-extraction', './model/');
  const text = new URLSearchParams(location.search).get('text') || 'hello';
  const out = await extractor(text, { pooling: 'mean', normalize: true });
  window.result = { dims: out.dims, data: Array.from(out.data), info: extractor.info };
  document.getElementById('out').textContent = `dims ${out.dims.join('x')} via ${extractor.info.variant}`;
} catch (e) {
  window.result = { error: `${e.code}: ${e.message}` };
}
