// A Vite app using the package as users would: import from 'pocketformer',
// serve the wasm builds from public/pocketformer/.
import { pipeline, env } from 'pocketformer';
import { embedOnce } from '../embed-once.js';

env.wasmBaseUrl = new URL('./pocketformer/', location.href);
await embedOnce(pipeline);
