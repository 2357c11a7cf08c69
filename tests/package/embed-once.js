// What both test pages do with the package: embed the ?text= sentence with
// the model in ./model/ and leave the result (or the error) in window.result.
/** @param {typeof import('pocketformer').pipeline} pipeline */
export async function embedOnce(pipeline) {
  try {
    const extractor = await pipeline('feature-extraction', './model/');
    const text = new URLSearchParams(location.search).get('text') || 'hello';
    const out = await extractor(text, { pooling: 'mean', normalize: true });
    window.result = { dims: out.dims, data: Array.from(out.data), info: extractor.info };
    document.getElementById('out').textContent = `dims ${out.dims.join('x')} via ${extractor.info.variant}`;
  } catch (e) {
    window.result = { error: `${e.code}: ${e.message}` };
  }
}
