// Compiled (never run) by tests/js/types.test.mjs with `tsc --strict`: every
// public entry point used the way the README shows, so a wrong or missing
// declaration in web/src/index.d.ts fails the test.
import {
  AutoTokenizer,
  convertToGguf,
  PreTrainedTokenizer,
  env,
  pipeline,
  shutdown,
  PocketformerError,
  Tensor,
  type ChatMessage,
  type RuntimeStats,
} from '../../web/src/index.js';

async function usage(): Promise<void> {
  env.numThreads = 2;
  env.useWorker = true;
  env.wasmBaseUrl = new URL('https://example.com/pocketformer/');

  const extractor = await pipeline('feature-extraction', 'org/model', {
    dtype: 'int8',
    progress_callback: (e) => console.log(e.status, e.file, e.progress),
  });
  const out: Tensor = await extractor(['a', 'b'], { pooling: 'mean', normalize: true });
  const dims: number[] = out.dims;
  const ids: number[] = await extractor.tokenizer.encode('hello');
  const stats: RuntimeStats = await extractor.runtimeStats();
  const inUse: number = stats.heapInUseBytes + stats.heapBytes + stats.models;
  await extractor.dispose();

  const classifier = await pipeline('sentiment-analysis', { 'config.json': '{}' });
  const labels = await classifier('good', { top_k: 2 });
  console.log(labels, (await classifier.runtimeStats()).models);

  const generator = await pipeline('text-generation', 'https://example.com/model.gguf', { max_context: 512, kv_cache_dtype: 'f16' });
  const [first] = await generator('Once upon a time', {
    max_new_tokens: 20,
    do_sample: true,
    temperature: 0.8,
    top_p: 0.9,
    seed: 42,
    stop: ['\n\n'],
    callback_function: (text: string) => console.log(text),
  });
  const text: string = first.generated_text;
  for await (const piece of generator.stream('Hi', { signal: AbortSignal.timeout(1000) })) {
    console.log(piece.length);
  }
  const messages: ChatMessage[] = [{ role: 'user', content: 'Hello' }];
  const [chat] = await generator(messages);
  const reply: ChatMessage[] = chat.generated_text;
  const prompt: string = await generator.tokenizer.apply_chat_template(messages);
  const promptIds: number[] = await generator.tokenizer.apply_chat_template(messages, { tokenize: true });
  console.log(dims, ids, inUse, text, reply, prompt, promptIds, generator.lastResult?.stopReason);

  const tokenizer = await AutoTokenizer.from_pretrained('org/model', { revision: 'main' });
  const enc = await tokenizer(['a', 'b'], { padding: true, truncation: true, max_length: 8 });
  const decoded: string[] = await tokenizer.batch_decode(enc.input_ids as Tensor, { skip_special_tokens: true });
  const single: number[] = await tokenizer.encode('hello', { add_special_tokens: false });
  const rendered: string = await tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
  console.log(decoded, single, rendered, tokenizer instanceof PreTrainedTokenizer);
  await tokenizer.dispose();

  const converted = await convertToGguf('org/model', { dtype: 'q8', samples: ['a'], keep_f16: ['blk.0.*'] });
  const bytes: Uint8Array = converted.gguf;
  const table: string = converted.table;
  console.log(bytes.length, table, converted.report['dtype']);

  try {
    await pipeline('question-answering', 'org/qa');
  } catch (e) {
    if (e instanceof PocketformerError) console.log(e.code satisfies string);
  }
  shutdown();
}

void usage;
