// A Node 20 consumer of the installed package: prints the embedding of one
// sentence as JSON (checked against the PyTorch reference by the test).
import { pipeline } from 'pocketformer';

const text = process.argv[2];
const extractor = await pipeline('feature-extraction', new URL('./model/', import.meta.url).href);
const out = await extractor(text, { pooling: 'mean', normalize: true });
console.log(JSON.stringify({ dims: out.dims, data: Array.from(out.data), info: extractor.info }));
