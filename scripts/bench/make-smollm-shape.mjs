#!/usr/bin/env node
// Writes a Hugging Face Llama folder with SmolLM-135M's shape and seeded
// random weights (the benchmark needs the shape, not the trained values):
// vocab 49152, hidden 576, 30 layers, 9 heads / 3 KV heads, FFN 1536, tied
// embeddings. Then converts it to Q8_0 and Q4_0 GGUF with our CLI
// (build/native/pocketformer), the files both runtimes read in
// `npm run bench:generate`.
//
//   node scripts/bench/make-smollm-shape.mjs [out-dir]   (default build/bench)
//   PF_CLI=/path/to/pocketformer overrides the converter binary.
//
// The tokenizer is a synthetic SentencePiece vocab of 49152 pieces (3
// specials, 256 byte pieces, filler pieces): llama.cpp needs one token per
// embedding row; the benchmark feeds token ids, so no text is tokenized.
// Weights: uniform with std 0.02 (HF's initializer range), norms 1; BF16.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rng } from '../../tests/js/tokenizer-cases.mjs';  // seeded mulberry32

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.resolve(process.argv[2] || path.join(ROOT, 'build/bench'));
const HF = path.join(OUT, 'smollm-shape');
const CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  vocab_size: 49152,
  hidden_size: 576,
  intermediate_size: 1536,
  num_hidden_layers: 30,
  num_attention_heads: 9,
  num_key_value_heads: 3,
  hidden_act: 'silu',
  max_position_embeddings: 2048,
  rms_norm_eps: 1e-5,
  rope_theta: 10000.0,
  tie_word_embeddings: true,
  bos_token_id: 1,
  eos_token_id: 2,
  torch_dtype: 'bfloat16',
};

function tensorShapes(c) {
  const d = c.hidden_size, f = c.intermediate_size;
  const kv = (d / c.num_attention_heads) * c.num_key_value_heads;
  const shapes = [['model.embed_tokens.weight', [c.vocab_size, d]]];
  for (let i = 0; i < c.num_hidden_layers; ++i) {
    const p = `model.layers.${i}.`;
    shapes.push([p + 'input_layernorm.weight', [d]], [p + 'self_attn.q_proj.weight', [d, d]],
                [p + 'self_attn.k_proj.weight', [kv, d]], [p + 'self_attn.v_proj.weight', [kv, d]],
                [p + 'self_attn.o_proj.weight', [d, d]], [p + 'post_attention_layernorm.weight', [d]],
                [p + 'mlp.gate_proj.weight', [f, d]], [p + 'mlp.up_proj.weight', [f, d]],
                [p + 'mlp.down_proj.weight', [d, f]]);
  }
  shapes.push(['model.norm.weight', [d]]);
  return shapes;
}

function bf16Values(name, count, seed) {
  const out = new Uint16Array(count);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  if (name.endsWith('layernorm.weight') || name === 'model.norm.weight') {
    f[0] = 1;
    return out.fill(u[0] >>> 16);
  }
  const next = rng(seed), half = 0.02 * Math.sqrt(3);  // uniform with std 0.02
  for (let i = 0; i < count; ++i) {
    f[0] = (next() * 2 - 1) * half;
    out[i] = (u[0] + 0x7fff + ((u[0] >>> 16) & 1)) >>> 16;  // round to nearest even
  }
  return out;
}

function writeSafetensors(file, shapes) {
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of shapes) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: 'BF16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const fd = fs.openSync(file, 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  fs.writeSync(fd, len);
  fs.writeSync(fd, json);
  shapes.forEach(([name, shape], i) => {
    const values = bf16Values(name, shape.reduce((a, b) => a * b, 1), 1234 + i);
    fs.writeSync(fd, new Uint8Array(values.buffer));
  });
  fs.closeSync(fd);
}

// --- a SentencePiece ModelProto, hand-encoded (protobuf wire format) -------
function varint(n) {
  const out = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}
const key = (field, wire) => varint(field * 8 + wire);
const lengthDelimited = (field, bytes) => [...key(field, 2), ...varint(bytes.length), ...bytes];
const varintField = (field, n) => [...key(field, 0), ...varint(n)];
function floatField(field, x) {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return [...key(field, 5), ...b];
}

function sentencePieceModel(vocabSize) {
  const NORMAL = 1, UNKNOWN = 2, CONTROL = 3, BYTE = 6;
  const pieces = [['<unk>', 0, UNKNOWN], ['<s>', 0, CONTROL], ['</s>', 0, CONTROL]];
  for (let b = 0; b < 256; ++b) {
    pieces.push([`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0, BYTE]);
  }
  for (let i = pieces.length; i < vocabSize; ++i) pieces.push([`\u2581p${i.toString(36)}`, -i, NORMAL]);
  const out = [];
  for (const [piece, score, type] of pieces) {
    out.push(...lengthDelimited(1, [...lengthDelimited(1, [...Buffer.from(piece)]),
                                    ...floatField(2, score), ...varintField(3, type)]));
  }
  const trainer = [...varintField(3, 2 /* BPE */), ...varintField(35, 1 /* byte_fallback */),
                   ...varintField(40, 0), ...varintField(41, 1), ...varintField(42, 2)];
  const normalizer = [...lengthDelimited(1, [...Buffer.from('identity')]), ...varintField(3, 1),
                      ...varintField(4, 0), ...varintField(5, 1)];
  out.push(...lengthDelimited(2, trainer), ...lengthDelimited(3, normalizer));
  return Uint8Array.from(out);
}

fs.mkdirSync(HF, { recursive: true });
const stamp = path.join(HF, 'stamp.json');
const want = JSON.stringify({ CONFIG, version: 1 });
if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== want) {
  fs.writeFileSync(path.join(HF, 'config.json'), JSON.stringify(CONFIG, null, 2));
  fs.writeFileSync(path.join(HF, 'tokenizer.model'), sentencePieceModel(CONFIG.vocab_size));
  writeSafetensors(path.join(HF, 'model.safetensors'), tensorShapes(CONFIG));
  for (const dtype of ['q8', 'q4']) {
    const gguf = path.join(OUT, `smollm-shape-${dtype === 'q8' ? 'q8_0' : 'q4_0'}.gguf`);
    execFileSync(process.env.PF_CLI || path.join(ROOT, 'build/native/pocketformer'),
                 ['convert', HF, '-o', gguf, '--dtype', dtype], { stdio: 'inherit' });
  }
  fs.writeFileSync(stamp, want);
}
console.log(`SmolLM-135M-shaped model in ${HF} (+ Q8_0 / Q4_0 GGUF in ${OUT})`);
