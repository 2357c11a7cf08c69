// Runtime adapter for convertToGguf(): the C++ converter (src/convert/, the
// same code as `pocketformer convert`) run on model files a page has — a
// dropped folder, a download — so it can offer the GGUF for download. The
// conversion happens at load; the one method hands the result over.
import { PocketformerError } from '../errors.js';

// An HF folder's files; a llama2.c pair comes as a files object instead.
export const CONVERT_REQUIRED = ['config.json', 'model.safetensors'];
export const CONVERT_OPTIONAL = ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'tokenizer.model'];
export const CONVERT_DTYPES = ['f32', 'f16', 'q8', 'q4'];

export const convert = {
  // Runs in the converter's own wasm module (Backend._requireConvertModule).
  module: 'convert',
  /**
   * @param {any} Module
   * @param {Record<string, Uint8Array>} files
   * @param {{dtype?: string, keepF16?: string[], samples?: string[]}} options
   */
  load(Module, files, options) {
    const dtype = options.dtype ?? 'q8';
    if (!CONVERT_DTYPES.includes(dtype)) {
      throw new PocketformerError('INVALID_ARGUMENT',
        `convertToGguf: dtype '${dtype}' is not one of ${CONVERT_DTYPES.join(', ')}`);
    }
    let result = Module.convertToGguf(files, dtype, options.keepF16, options.samples);
    return {
      info: { bytes: result.gguf.length },
      delete: () => { result = null; },
      methods: {
        /** -> {gguf: Uint8Array, report: object (the CLI's --report JSON), table: string} */
        result() {
          if (!result) throw new PocketformerError('INVALID_ARGUMENT', 'convertToGguf: result already taken');
          const out = { gguf: result.gguf, report: JSON.parse(result.report), table: result.table };
          result = null;  // the bytes move to the caller (transferred from a worker)
          return out;
        },
      },
    };
  },
};
