// Types for the pocketformer npm package (hand-written; the source is plain ESM JS).

/** Error codes: from the wasm runtime, and from the JS layer. */
export type PocketformerErrorCode =
  // thrown by the wasm module (C++ pf::ErrorCode)
  | 'CORRUPT_MODEL'
  | 'BAD_CONFIG'
  | 'UNSUPPORTED'
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
  /** Cache files of remote (other-origin) models with the Cache API. Default: true in browsers. */
  useBrowserCache: boolean;
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
  /** config.json | model.safetensors | vocab.txt (absent on 'ready'). */
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

/** In-memory model: file name -> contents. Needs config.json, model.safetensors, vocab.txt. */
export type ModelFiles = Record<string, ModelFile>;

export interface PipelineOptions {
  progress_callback?: (event: ProgressEvent) => void;
  /** Aborts downloads; after loading, rejects waiting and later calls with code ABORTED. */
  signal?: AbortSignal;
  /** Hub revision (branch, tag or commit). Default 'main'. */
  revision?: string;
  /** Only 'f32' for now; anything else rejects with code UNSUPPORTED. */
  /** Weight precision: f32 (default), int8 (per-channel), q4 (4-bit per-channel). */
  dtype?: 'f32' | 'fp32' | 'float32' | 'int8' | 'q8' | 'q4' | 'int4';
  /** text-generation: KV cache capacity in tokens (default: the model's context). */
  max_context?: number;
  /** text-generation: KV cache storage; 'f16' halves its memory (attention still computes in f32). */
  kv_cache_dtype?: 'f32' | 'f16';
}

export interface FeatureExtractionOptions {
  /** Default 'none' (per-token states, [batch, seq, hidden]), like Transformers.js. */
  pooling?: 'none' | 'mean' | 'cls';
  /** L2-normalise each output row. Default false. */
  normalize?: boolean;
  /** Rejects this call with ABORTED if it is still waiting when aborted. */
  signal?: AbortSignal;
}

export class Tensor {
  constructor(data: Float32Array, dims: number[]);
  readonly type: 'float32';
  data: Float32Array;
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

export interface FeatureExtractionPipeline {
  (texts: string | string[], options?: FeatureExtractionOptions): Promise<Tensor>;
  readonly task: 'feature-extraction';
  readonly model: string;
  readonly info: RuntimeInfo;
  readonly tokenizer: {
    /** Token ids ([CLS] ... [SEP]); async because the model may live in a worker. */
    encode(text: string): Promise<number[]>;
  };
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

export type Task =
  | 'feature-extraction' | 'embeddings'
  | 'text-classification' | 'sentiment-analysis'
  | 'token-classification' | 'ner'
  | 'question-answering'
  | 'fill-mask'
  | 'zero-shot-classification';

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
export function pipeline(
  task: string,
  model: string | URL | ModelFiles,
  options?: PipelineOptions,
): Promise<FeatureExtractionPipeline | TextClassificationPipeline | TokenClassificationPipeline |
  QuestionAnsweringPipeline | FillMaskPipeline | ZeroShotClassificationPipeline>;

/** Frees every model and stops the runtimes (threads, workers); lets Node exit. */
export function shutdown(): void;
