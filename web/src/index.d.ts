// Types for the pocketformer npm package (hand-written; the source is plain ESM JS).

/** Error codes: from the wasm runtime, and from the JS layer. */
export type PocketformerErrorCode =
  // thrown by the wasm module (C++ pf::ErrorCode)
  | 'CORRUPT_MODEL'
  | 'BAD_CONFIG'
  | 'UNSUPPORTED'
  /** config.json model_type or GGUF general.architecture this runtime cannot run. */
  | 'UNSUPPORTED_ARCHITECTURE'
  | 'INVALID_ARGUMENT'
  | 'OUT_OF_MEMORY'
  | 'INTERNAL'
  // JS layer
  | 'UNSUPPORTED_TASK'
  | 'MODEL_NOT_FOUND'
  | 'NETWORK_ERROR'
  | 'ABORTED'
  | 'DISPOSED'
  | 'WASM_NOT_FOUND'
  | 'WASM_LOAD_FAILED'
  | 'UNSUPPORTED_ENVIRONMENT'
  | 'WORKER_ERROR';

export class PocketformerError extends Error {
  constructor(code: PocketformerErrorCode | string, message: string, options?: { cause?: unknown });
  readonly name: 'PocketformerError';
  /** Stable, machine-readable reason. */
  code: PocketformerErrorCode | string;
}

/** Settings read when a pipeline is created. */
export interface Env {
  /** Folder holding pocketformer-*.mjs/.wasm. Default: new URL('../../dist/', import.meta.url). */
  wasmBaseUrl: string | URL;
  /** Threads to compute with, caller included. Default: min(4, hardware concurrency). */
  numThreads: number;
  /** Run models in a Worker: a module Worker in browsers, worker_threads in Node. Default: true. */
  useWorker: boolean;
  /** Allow Hugging Face repo ids. Default: true. */
  allowRemoteModels: boolean;
  /** Default: 'https://huggingface.co'. */
  remoteHost: string;
  /** Default: '{model}/resolve/{revision}/'. */
  remotePathTemplate: string;
  /** Look up repo ids in localModelPath first, file by file, then on remoteHost. Default: true. */
  allowLocalModels: boolean;
  /** Folder URL (browsers) or directory (Node) holding '{id}/' copies of models. Default: null (none). */
  localModelPath: string | URL | null;
  /** Cache files of remote (other-origin) models with the Cache API. Default: true in browsers. */
  useBrowserCache: boolean;
  /** Browsers: cache remote model files in the Origin Private File System instead. Default: false. */
  useOPFS: boolean;
  /** Node: cache files of remote models (not loopback or local paths) in cacheDir. Default: true in Node. */
  useFSCache: boolean;
  /** Node: default $XDG_CACHE_HOME/pocketformer or ~/.cache/pocketformer; null in browsers. */
  cacheDir: string | null;
  /** 'auto' (default), or force a build: 'relaxed-mt' | 'simd-mt' | 'simd-st'. */
  wasmVariant: 'auto' | 'relaxed-mt' | 'simd-mt' | 'simd-st' | (string & {});
}

export const env: Env;

export type ProgressStatus = 'initiate' | 'download' | 'progress' | 'done' | 'ready';

/** Transformers.js-style progress event. */
export interface ProgressEvent {
  status: ProgressStatus;
  /** The model as given to pipeline() ('files' for a file map). */
  name: string;
  /** config.json | model.safetensors | a shard | tokenizer.json | vocab.txt ... (absent on 'ready'). */
  file?: string;
  /** Bytes received so far. */
  loaded?: number;
  /** Bytes expected (Content-Length), 0 when unknown. */
  total?: number;
  /** 0..100 */
  progress?: number;
  /** On 'ready'. */
  task?: string;
  model?: string;
}

export type ModelFile = ArrayBuffer | Uint8Array | Blob | string;

/**
 * In-memory model: file name -> contents. Encoders need config.json, the
 * weights (model.safetensors, or model.safetensors.index.json + its shards)
 * and a tokenizer (tokenizer.json [+ tokenizer_config.json], or vocab.txt).
 */
export type ModelFiles = Record<string, ModelFile>;

export interface PipelineOptions {
  progress_callback?: (event: ProgressEvent) => void;
  /** Aborts downloads; after loading, rejects waiting and later calls with code ABORTED. */
  signal?: AbortSignal;
  /** Hub revision (branch, tag or commit). Default 'main'. */
  revision?: string;
  /** Weight precision: f32 (default), int8 (per-channel), q4 (4-bit per-channel). */
  dtype?: 'f32' | 'fp32' | 'float32' | 'int8' | 'q8' | 'q4' | 'int4';
  /** text-generation: KV cache capacity in tokens (default: the model's context). */
  max_context?: number;
  /** text-generation: KV cache storage; 'f16' halves its memory (attention still computes in f32). */
  kv_cache_dtype?: 'f32' | 'f16';
}

export interface FeatureExtractionOptions {
  /**
   * Default: a sentence-transformers model's Pooling module (modules.json +
   * 1_Pooling/config.json: cls / mean / max), else 'none' (per-token states,
   * [batch, seq, hidden]), like Transformers.js.
   */
  pooling?: 'none' | 'mean' | 'cls' | 'max';
  /** L2-normalise each output row. Default: true when modules.json has a Normalize module, else false. */
  normalize?: boolean;
  /** Rejects this call with ABORTED if it is still waiting when aborted. */
  signal?: AbortSignal;
}

export class Tensor {
  constructor(data: Float32Array | BigInt64Array, dims: number[], type?: 'float32' | 'int64');
  /** 'float32' for model outputs; 'int64' (BigInt64Array) for token ids and masks. */
  readonly type: 'float32' | 'int64';
  data: Float32Array | BigInt64Array;
  /** [batch, hidden] when pooled; [batch, seq, hidden] for pooling 'none'. */
  dims: number[];
  readonly size: number;
  /** Nested arrays following dims. */
  tolist(): any[];
}

export interface RuntimeInfo {
  task: 'feature-extraction';
  /** Which build runs: 'relaxed-mt' | 'simd-mt' | 'simd-st'. */
  variant: string;
  moduleUrl: string;
  version: string;
  /** Threads in use, caller included (1 when single-threaded). */
  threads: number;
  requestedThreads: number;
  /** null in Node. */
  crossOriginIsolated: boolean | null;
  sharedArrayBuffer: boolean;
  relaxedSimd: boolean;
  environment: 'node' | 'worker' | 'window';
  /** True when the model runs in a module Worker. */
  worker: boolean;
  /** Where the files came from (URL, directory or 'the given files'). */
  source: string;
  /** File sizes in bytes. */
  files: Record<string, number>;
  hiddenSize: number;
  maxLength: number;
  downloadMs: number;
  loadMs: number;
}

/** Live numbers of the runtime (wasm module) a pipeline runs in; answered even mid-generation. */
export interface RuntimeStats {
  /** Size of the wasm memory (it grows, never shrinks). */
  heapBytes: number;
  /** Bytes currently allocated inside it (malloc); returns to its level after dispose(). */
  heapInUseBytes: number;
  /** Models loaded in that runtime (all pipelines sharing it). */
  models: number;
}

export interface FeatureExtractionPipeline {
  (texts: string | string[], options?: FeatureExtractionOptions): Promise<Tensor>;
  readonly task: 'feature-extraction';
  readonly model: string;
  readonly info: RuntimeInfo;
  readonly tokenizer: {
    /** Token ids ([CLS] ... [SEP]); async because the model may live in a worker. */
    encode(text: string): Promise<number[]>;
  };
  runtimeStats(): Promise<RuntimeStats>;
  /** Frees the model. Waiting calls reject with DISPOSED. */
  dispose(): Promise<void>;
}

export interface LabelScore {
  label: string;
  score: number;
}

export interface TextClassificationOptions {
  /** Labels per text, best first. Default 1; null gives every label. */
  top_k?: number | null;
  /** Default: the model's (sigmoid for multi_label_classification or one label, else softmax). */
  function_to_apply?: 'softmax' | 'sigmoid' | 'none';
  signal?: AbortSignal;
}

export interface TaskPipelineBase {
  readonly model: string;
  readonly info: Omit<RuntimeInfo, 'task' | 'hiddenSize' | 'maxLength'> & { task: string; labels?: string[] };
  runtimeStats(): Promise<RuntimeStats>;
  dispose(): Promise<void>;
}

export interface TextClassificationPipeline extends TaskPipelineBase {
  /** One text: LabelScore[] (top_k of them). Several: one LabelScore each when top_k is 1, else LabelScore[][]. */
  (texts: string, options?: TextClassificationOptions): Promise<LabelScore[]>;
  (texts: string[], options?: TextClassificationOptions): Promise<LabelScore[] | LabelScore[][]>;
  readonly task: 'text-classification';
}

export interface TokenEntity {
  /** The label (aggregation_strategy 'none'). */
  entity?: string;
  /** The label without B-/I- (every other strategy). */
  entity_group?: string;
  score: number;
  /** Token position ([CLS] = 0); only with 'none'. */
  index?: number;
  word: string;
  /** Indices into the input string. */
  start: number;
  end: number;
}

export interface TokenClassificationOptions {
  /** Default 'none'. */
  aggregation_strategy?: 'none' | 'simple' | 'first' | 'average' | 'max';
  /** Default ['O']. */
  ignore_labels?: string[];
  signal?: AbortSignal;
}

export interface TokenClassificationPipeline extends TaskPipelineBase {
  (texts: string, options?: TokenClassificationOptions): Promise<TokenEntity[]>;
  (texts: string[], options?: TokenClassificationOptions): Promise<TokenEntity[][]>;
  readonly task: 'token-classification';
}

export interface QuestionAnsweringOutput {
  answer: string;
  score: number;
  /** Indices into the context string. */
  start: number;
  end: number;
}

export interface QuestionAnsweringOptions {
  /** Default 1 (then the answer itself is returned, or null). */
  top_k?: number;
  /** Tokens. Default 15. */
  max_answer_len?: number;
  /** Tokens per window. Default min(384, the model's positions). */
  max_seq_len?: number;
  /** Tokens shared by neighbouring windows. Default min(max_seq_len / 2, 128). */
  doc_stride?: number;
  signal?: AbortSignal;
}

export interface QuestionAnsweringPipeline extends TaskPipelineBase {
  (question: string, context: string, options?: QuestionAnsweringOptions & { top_k?: 1 }): Promise<QuestionAnsweringOutput | null>;
  (question: string, context: string, options: QuestionAnsweringOptions): Promise<QuestionAnsweringOutput[]>;
  readonly task: 'question-answering';
}

export interface FillMaskPrediction {
  score: number;
  token: number;
  token_str: string;
  sequence: string;
}

export interface FillMaskOptions {
  /** Default 5. */
  top_k?: number;
  /** Only score these tokens (a word outside the vocabulary stands for its first piece). */
  targets?: string | string[];
  signal?: AbortSignal;
}

export interface FillMaskPipeline extends TaskPipelineBase {
  /** One [MASK]: FillMaskPrediction[]; several: one list per mask. */
  (texts: string, options?: FillMaskOptions): Promise<FillMaskPrediction[] | FillMaskPrediction[][]>;
  (texts: string[], options?: FillMaskOptions): Promise<(FillMaskPrediction[] | FillMaskPrediction[][])[]>;
  readonly task: 'fill-mask';
}

export interface ZeroShotClassificationOutput {
  sequence: string;
  /** Best first. */
  labels: string[];
  scores: number[];
}

export interface ZeroShotClassificationOptions {
  /** Default 'This example is {}.' */
  hypothesis_template?: string;
  /** Score each label on its own (entailment vs contradiction). Default false. */
  multi_label?: boolean;
  signal?: AbortSignal;
}

export interface ZeroShotClassificationPipeline extends TaskPipelineBase {
  (texts: string, candidate_labels: string | string[], options?: ZeroShotClassificationOptions): Promise<ZeroShotClassificationOutput>;
  (texts: string[], candidate_labels: string | string[], options?: ZeroShotClassificationOptions): Promise<ZeroShotClassificationOutput[]>;
  readonly task: 'zero-shot-classification';
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | string;
  content: string;
}

export interface TextGenerationOptions {
  /** Default: generation_config.json, else min(256, context). */
  max_new_tokens?: number;
  /** false (default unless generation_config.json says otherwise) = greedy. */
  do_sample?: boolean;
  temperature?: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  repetition_penalty?: number;
  presence_penalty?: number;
  /** Same seed, same text. */
  seed?: number;
  /** Generation ends before any of these strings; they never appear in the output. */
  stop?: string | string[];
  /** Prompt + continuation (default true) or the continuation only. */
  return_full_text?: boolean;
  /** Called with each new piece of text (never half a character). */
  callback_function?: (text: string) => void;
  /** Stops between tokens; the call rejects with ABORTED. */
  signal?: AbortSignal;
}

export interface TextGenerationPipeline extends TaskPipelineBase {
  (prompt: string, options?: TextGenerationOptions): Promise<[{ generated_text: string }]>;
  /** Chat messages are rendered with the model's chat template (tokenizer_config.json). */
  (messages: ChatMessage[], options?: TextGenerationOptions): Promise<[{ generated_text: ChatMessage[] }]>;
  readonly task: 'text-generation';
  /** The continuation piece by piece; leaving the loop stops generation. */
  stream(input: string | ChatMessage[], options?: TextGenerationOptions): AsyncIterableIterator<string>;
  readonly tokenizer: {
    encode(text: string, options?: { add_special_tokens?: boolean }): Promise<number[]>;
    decode(ids: number[], options?: { skip_special_tokens?: boolean }): Promise<string>;
    apply_chat_template(messages: ChatMessage[], options?: { add_generation_prompt?: boolean; tokenize?: false }): Promise<string>;
    apply_chat_template(messages: ChatMessage[], options: { add_generation_prompt?: boolean; tokenize: true }): Promise<number[]>;
  };
  /** Details of the last finished call. */
  readonly lastResult?: {
    tokens: number[];
    stopReason: string;
    stats: Record<string, number>;
  };
}

export type Task =
  | 'feature-extraction' | 'embeddings'
  | 'text-classification' | 'sentiment-analysis'
  | 'token-classification' | 'ner'
  | 'question-answering'
  | 'fill-mask'
  | 'zero-shot-classification'
  | 'text-generation';

/**
 * Loads a model for a task.
 * @param model a folder URL (ending in '/'), a Hugging Face repo id ('org/name'),
 *   a local directory or file:// URL (Node), or an object of files.
 */
export function pipeline(
  task: 'feature-extraction' | 'embeddings',
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<FeatureExtractionPipeline>;
export function pipeline(
  task: 'text-classification' | 'sentiment-analysis',
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<TextClassificationPipeline>;
export function pipeline(
  task: 'token-classification' | 'ner',
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<TokenClassificationPipeline>;
export function pipeline(
  task: 'question-answering',
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<QuestionAnsweringPipeline>;
export function pipeline(
  task: 'fill-mask',
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<FillMaskPipeline>;
export function pipeline(
  task: 'zero-shot-classification',
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<ZeroShotClassificationPipeline>;
/** model: an HF folder (config.json + model.safetensors + tokenizer.json), a llama2.c
 * folder (model.bin + tokenizer.bin) or a single .gguf file. */
export function pipeline(
  task: 'text-generation',
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<TextGenerationPipeline>;
export function pipeline(
  task: string,
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<FeatureExtractionPipeline | TextClassificationPipeline | TokenClassificationPipeline |
  QuestionAnsweringPipeline | FillMaskPipeline | ZeroShotClassificationPipeline | TextGenerationPipeline>;

export interface ChatMessage {
  role: string;
  content: string;
}

export interface TokenizerCallOptions {
  /** A second text per text (sentence pairs: token_type_ids 1 where the template says). */
  text_pair?: string | string[] | null;
  /** Default true. */
  add_special_tokens?: boolean;
  /** true / 'longest': to the longest text; 'max_length': to max_length. Default false. */
  padding?: boolean | 'longest' | 'max_length';
  /** true: cut to max_length (or tokenizer_config.json's model_max_length); or a strategy name.
   *  Unset with a max_length: truncates (longest_first), as transformers does. */
  truncation?: boolean | 'longest_first' | 'only_first' | 'only_second';
  max_length?: number;
  /** With return_overflowing_tokens: tokens each window shares with the previous one. */
  stride?: number;
  /** Truncated texts give every window (stride-overlapping) as a row of its own. */
  return_overflowing_tokens?: boolean;
  pad_to_multiple_of?: number;
  padding_side?: 'left' | 'right';
  truncation_side?: 'left' | 'right';
  /** Default true. */
  return_token_type_ids?: boolean;
  /** Default true (int64 Tensors); false gives number[][]. */
  return_tensor?: boolean;
  /** Also return offset_mapping: [start, end] UTF-16 indices into each text per token. */
  return_offsets_mapping?: boolean;
  /** Also return word_ids: per token, the index of the pre-tokenizer word it came from within its own text
   *  (counted from 0 for each text of a pair), null for special tokens and padding; as Python
   *  transformers' BatchEncoding.word_ids(). */
  return_word_ids?: boolean;
  signal?: AbortSignal;
}

export interface TokenizerOutput {
  /** int64 [batch, length] (number[][] with return_tensor: false). */
  input_ids: Tensor | number[][];
  attention_mask: Tensor | number[][];
  token_type_ids?: Tensor | number[][];
  offset_mapping?: [number, number][][];
  word_ids?: (number | null)[][];
  /** With return_overflowing_tokens: the text index of each row. */
  overflow_to_sample_mapping?: number[];
}

/**
 * A tokenizer from AutoTokenizer.from_pretrained(). It runs where the
 * pipelines run (the worker by default), so every method returns a Promise.
 */
export interface PreTrainedTokenizer {
  (text: string | string[], options?: TokenizerCallOptions): Promise<TokenizerOutput>;
  readonly model: string;
  readonly info: { /** 'tokenizer.json' or 'vocab.txt' */ format: string; /** where the files came from */ source: string; vocabSize: number; modelMaxLength: number | null; worker?: boolean; [key: string]: unknown };
  /** tokenizer_config.json's chat template, or null. */
  readonly chat_template: string | null;
  readonly model_max_length: number | null;
  /** Special tokens named in tokenizer_config.json and present in the vocabulary. */
  readonly bos_token?: string;
  readonly eos_token?: string;
  readonly unk_token?: string;
  readonly sep_token?: string;
  readonly pad_token?: string;
  readonly cls_token?: string;
  readonly mask_token?: string;
  encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean; truncation?: boolean;
    max_length?: number; signal?: AbortSignal }): Promise<number[]>;
  decode(ids: ArrayLike<number | bigint> | Tensor, options?: { skip_special_tokens?: boolean; signal?: AbortSignal }): Promise<string>;
  batch_decode(batch: ArrayLike<number | bigint>[] | Tensor, options?: { skip_special_tokens?: boolean; signal?: AbortSignal }): Promise<string[]>;
  /** undefined when the token is not in the vocabulary. */
  convert_tokens_to_ids(token: string): Promise<number | undefined>;
  /**
   * Renders messages with the chat template (@huggingface/jinja). tokenize (default true) encodes
   * the text without adding special tokens; return_tensor (default true) gives an int64 [1, n] Tensor,
   * false a number[]. Other option keys are template variables. UNSUPPORTED without a template.
   */
  apply_chat_template(conversation: ChatMessage[], options: { tokenize: false; add_generation_prompt?: boolean;
    chat_template?: string; [key: string]: unknown }): Promise<string>;
  apply_chat_template(conversation: ChatMessage[], options?: { tokenize?: true; return_tensor?: boolean;
    add_generation_prompt?: boolean; chat_template?: string; [key: string]: unknown }): Promise<Tensor | number[]>;
  /** Frees the tokenizer in the runtime. Later calls reject with DISPOSED. */
  dispose(): Promise<void>;
}

/** For instanceof checks; tokenizers are made by AutoTokenizer.from_pretrained(). */
export const PreTrainedTokenizer: { prototype: PreTrainedTokenizer; [Symbol.hasInstance](value: unknown): value is PreTrainedTokenizer };

export const AutoTokenizer: {
  /**
   * Loads tokenizer.json (+ tokenizer_config.json), or vocab.txt when there is no tokenizer.json,
   * from the same kinds of model as pipeline(): a repo id, a folder URL, a local folder (Node),
   * or an object of files. MODEL_NOT_FOUND when neither file exists.
   */
  from_pretrained(model: string | URL | ModelFiles, options?: Pick<PipelineOptions, 'progress_callback' | 'signal' | 'revision'>): Promise<PreTrainedTokenizer>;
};

export interface ConvertOptions extends Pick<PipelineOptions, 'progress_callback' | 'signal' | 'revision'> {
  /** GGUF tensor type of the layer matrices (default 'q8' = Q8_0; 'q4' = Q4_0). */
  dtype?: 'f32' | 'f16' | 'q8' | 'q4';
  /** Tensor-name globs (GGUF names, e.g. 'blk.0.*') kept as F16. */
  keep_f16?: string[];
  /** Held-out texts for the accuracy report (default: built-in sentences). */
  samples?: string[];
}

export interface ConvertResult {
  /** The GGUF file; pipeline(task, new Blob([gguf])) loads it. */
  gguf: Uint8Array;
  /** What `pocketformer convert --report` writes: kind, dtype, sizes, cosine, argmax agreement, perplexity, speed. */
  report: Record<string, unknown>;
  /** The same report as a readable table. */
  table: string;
}

/**
 * Converts a model to one GGUF in the runtime (the `pocketformer convert` CLI's code) and reports
 * what it cost against the original. `model`: an HF folder (BERT / DistilBERT, Llama / Qwen2) as for
 * pipeline(), or {'model.bin', 'tokenizer.bin'} for a llama2.c checkpoint.
 */
export function convertToGguf(model: string | URL | ModelFiles, options?: ConvertOptions): Promise<ConvertResult>;

/** Frees every model and stops the runtimes (threads, workers); lets Node exit. */
export function shutdown(): void;
