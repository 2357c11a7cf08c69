"""Writes the model cards (demo/models/*/README.md) from the measured results
(build/work/enc-results.json, lm-results.json, runtime-speed.json)."""

import json
import os
import sys

WORK, OUT = sys.argv[1], sys.argv[2]
LANG_NAMES = "en (English), de (German), it (Italian), es (Spanish), pl (Polish), cs (Czech), ru (Russian)"
SOURCES = ("Debian 12 packages `fortunes` + `fortunes-min` (English), `fortunes-de`, `fortunes-it`, "
           "`fortunes-es` (without its opt-in `off/` set), `fortunes-pl`, `fortunes-cs` (without the "
           "Slovak `klasik-sk`), `fortunes-ru`; ASCII-art collections left out. One fortune = one "
           "document; documents split 80/10/10 train/valid/test with a seeded shuffle. The text is "
           "read in place from `/usr/share/games/fortunes` and never committed.")


def load(name):
    p = os.path.join(WORK, name)
    return json.load(open(p)) if os.path.exists(p) else None


def mb(b):
    return "%.2f MB" % (b / 1e6)


def enc_table(res, names):
    rows = ["| model | precision | language-ID accuracy (test) | MLM top-1 accuracy (test, masked tokens) |",
            "|---|---|---|---|"]
    for n in names:
        for prec, label in (("f32", "f32 (as trained)"), ("f16", "f16 (as stored)"),
                            ("int8", "int8 per-channel (simulated)"), ("q4", "4-bit per-channel (simulated)")):
            e = res[n]["eval"][prec]
            rows.append("| %s | %s | %.1f%% | %.1f%% |" % (n, label, 100 * e["langid_acc"],
                                                         100 * e["mlm_acc"]))
        if n == "pruned" and "before_finetune" in res[n]:
            e = res[n]["before_finetune"]
            rows.append("| pruned, before the recovery fine-tune | f16 (pruner output) | %.1f%% | %.1f%% |"
                        % (100 * e["langid_acc"], 100 * e["mlm_acc"]))
    return "\n".join(rows)


def runtime_table(acc):
    """Language ID measured in pocketformer (runtime_accuracy.mjs): accuracy per dtype and
    argmax agreement with the runtime's own f32."""
    if not acc:
        return "Not measured (dist/ was not available when the card was written)."
    rows = ["| dtype (runtime load option) | language-ID accuracy | argmax agreement with f32 |",
            "|---|---|---|"]
    for r in acc["dtypes"]:
        rows.append("| %s | %.2f%% | %.2f%% |" % (r["dtype"], 100 * r["accuracy"], 100 * r["agreement_with_f32"]))
    where = acc.get("runtime") or "through `pipeline('text-classification', …, { dtype })` in Node"
    return ("On the first %d documents of the held-out test split, %s:\n\n" % (acc["documents"], where)
            + "\n".join(rows))


def speed_table(speed):
    if not speed:
        return "Not measured (dist/ was not available when the card was written)."
    rows = ["| dtype | median ms / sentence | min cosine of the embeddings |", "|---|---|---|"]
    for s in speed:
        rows.append("| %s | %.2f | %.6f vs %s |" % (s["dtype"], s["median_ms"], s["min_cosine"],
                                                   s["versus"]))
    return "\n".join(rows)


def shape_text(c):
    heads = [c["heads"] - len(c.get("pruned_heads", {}).get(str(i), [])) for i in range(c["layers"])]
    ffn = c.get("layer_ffn") or [c["ffn"]] * c["layers"]
    if len(set(heads)) == 1 and heads[0] == c["heads"] and len(set(ffn)) == 1:
        return "%d heads, FFN %d" % (c["heads"], ffn[0])
    return "heads per layer %s (of %d; HF `pruned_heads` %s), FFN width per layer %s (of %d)" % (
        heads, c["heads"], c.get("pruned_heads"), ffn, c["ffn"])


def pruning_text(res, st):
    r = res["pruned"]
    rep = r.get("converter_report", {})
    shapes = (f"({rep.get('attention_heads_before')} → {rep.get('attention_heads_after')} heads, FFN {rep.get('ffn_width_before')} → "
              f"{rep.get('ffn_width_after')}); config.json gets HF's `pruned_heads` (original head indices, as "
              f"`BertModel.prune_heads` writes it) and the per-layer widths live in the weight shapes.")
    if rep.get("pruner", "").startswith("pocketformer"):
        how = (f"""with the project's own converter:
   `pocketformer prune <student> -o <out> --heads {rep.get('heads_fraction')} --ffn {rep.get('ffn_fraction')} --samples <512 validation texts>`
   ranks every layer's attention heads and FFN neurons by their activations on the sample texts
   and removes that share of each layer {shapes} The converter's own report: argmax agreement
   with the unpruned student {100 * rep.get('argmax_agreement', 0):.1f}% on the sample texts, embedding
   cosine mean {rep.get('embedding_cosine_mean', 0):.3f}; {rep.get('bytes_before', 0):,} → {rep.get('bytes_after', 0):,} bytes.""")
    else:
        how = (f"""by weight magnitude with `tests/reference/prune_hf_style.py --heads-fraction
   {rep.get('heads_fraction')} --ffn-fraction {rep.get('ffn_fraction')}` — the independent numpy pruner whose
   output the test suite requires `pocketformer prune` (magnitude mode, no `--samples`) to equal;
   the native converter was not built yet on this machine when the model was made
   (`train_encoder.py --stage prune` uses `build/native/pocketformer prune --samples` by default)
   {shapes}""")
    return f"""3. Structured pruning of the student's attention heads and FFN neurons {how}
   `scripts/train/bert_model.py` loads the pruned folder (per-layer head counts and FFN widths)
   and recovers with a distillation fine-tune from the teacher ({st['prune_steps']} steps, lr 1e-3).
"""


def encoder_card(res, which, folder, speed, runtime_acc, gguf=None):
    r = res[which]
    c = r["config"]
    t = res["times_min"]
    e = r["eval"]["f16"]
    pruned = which == "pruned"
    n_eval = e["n_docs"]
    st = res["steps"]
    tc, sc = res["teacher"]["config"], res["student"]["config"]
    text = f"""# {folder} — tiny self-trained language-ID BERT ({'distilled, then heads + FFN pruned' if pruned else 'distilled'})

**A tiny model trained from scratch on a 2-core CPU in minutes, for pocketformer's demo.**
It is not a production language identifier; its numbers below are what it measured.

- Task heads: language identification over 7 languages ({LANG_NAMES}) — `BertForSequenceClassification`
  (`bert.pooler` + `classifier`, `id2label`/`label2id` in config.json) — and fill-mask
  (`cls.predictions.*`, decoder tied to the word embeddings, as `BertForMaskedLM`). Both HF classes
  load this folder. Mean-pooled `bert` outputs serve as (weak) sentence embeddings.
- Architecture: BERT, {c['layers']} layers, hidden {c['hidden']}, {shape_text(c)},
  max position 128, vocab {r['vocab_size']}, GELU (erf), post-LayerNorm.
- Parameters: {r['params']:,} ({r['params_without_mlm_head']:,} without the MLM head's transform + bias);
  `model.safetensors` (F16): {mb(r['file_bytes'])}.
- Tokenizer: WordPiece (`vocab.txt`), uncased + accent stripping exactly as BERT's BasicTokenizer,
  learned by `scripts/train/wordpiece_train.py` (frequency-ranked merges with `##` continuations,
  as HF's WordPieceTrainer) on the training split; training text was tokenized with
  `tests/reference/bert_tokenizer.py`, the independent BERT tokenizer the runtime matches.

## Data
{SOURCES} Documents are cut to their first 30 WordPiece tokens (`[CLS]` … `[SEP]` = 32).

## How it was made
All steps use batches of 32 documents, AdamW (weight decay 0.01), 6% linear warm-up then linear
decay, gradient clipping at 1.
1. Teacher: BERT {tc['layers']} layers / hidden {tc['hidden']} / {tc['heads']} heads / FFN {tc['ffn']}:
   MLM pre-training (15% masking, 80/10/10, lr 2e-3) for {st['mlm_steps']} steps, then
   language-ID fine-tuning with the MLM loss kept as an auxiliary loss (lr 1e-3) for {st['ft_steps']} steps.
2. Student: {sc['layers']} layers / hidden {sc['hidden']} / {sc['heads']} heads / FFN {sc['ffn']},
   distilled from the teacher for {st['kd_steps']} steps (lr 2e-3): loss = 0.5·T²·KL(teacher‖student at T=2)
   + 0.5·CE(labels), on the language-ID logits and on the MLM logits of the masked positions.
"""
    if pruned:
        text += pruning_text(res, st)
    text += f"""
## Results (held-out test documents: a fixed seeded sample of {n_eval}; {e['n_masked']} masked tokens)
Measured in PyTorch; int8 / 4-bit are simulated exactly as the runtime quantizes at load: every
linear weight per output channel, symmetric, s = max|w|/127 (int8) or max|w|/7 with values in
[-8, 7] (4-bit); embeddings, LayerNorms and biases stay float. (Always answering the most frequent
test language, ru, scores about 23%.)

{enc_table(res, ['teacher', 'student', 'pruned'])}

Sizes (F16 safetensors): teacher {mb(res['teacher']['file_bytes'])} (not committed),
student {mb(res['student']['file_bytes'])}, pruned {mb(res['pruned']['file_bytes'])}.

## In pocketformer
{runtime_table(runtime_acc)}

The same check runs as tests (`build/native/pf_tests "[langid]"` and
`node --test tests/js/langid-agreement.test.mjs`, 2000 documents): int8 must agree with f32 on
≥ 99.5% of them, 4-bit on ≥ 97%, and f32 must be right on ≥ 90%.
The runtime's f32 embeddings are checked against the repo's float64 reference BERT
(`scripts/train/reference_embeddings.py`, which also checks the training model against that
reference). Feature extraction with mean pooling, 1 thread, 50 test sentences one at a time
(the 2-core machine was shared: treat the timings as upper bounds):

{speed_table(speed)}

## GGUF export
{encoder_gguf_text(gguf, folder)}

## Training time and command
Wall time on the shared 2-core machine, 1 torch thread (OpenBLAS): teacher {t.get('teacher_min', 0):.1f} min,
student {t.get('student_min', 0):.1f} min, pruning + recovery fine-tune {t.get('prune_min', 0):.1f} min.
Reproduce with `bash scripts/train/all.sh` (seeded; see scripts/train/README.md).

## Runtime support needed
`model_type: bert` with `architectures: [BertForSequenceClassification]`; weights under `bert.`,
plus `classifier.*` (language ID: tanh pooler on `[CLS]`, then linear) and `cls.predictions.*`
(fill-mask: dense → GELU → LayerNorm → tied decoder + bias). F16 weights.{' Per-layer head counts (`pruned_heads`) and FFN widths (from the weight shapes).' if pruned else ''}
"""
    return text


def encoder_gguf_text(rep, folder):
    if not rep:
        return "Not measured (build/native/pocketformer was not available)."
    notes = "".join(f"\n- converter note: {n}" for n in rep.get("notes", []))
    return (f"`model-q8.gguf` (llama.cpp's `bert` layout, Q8_0 layer matrices, F16 embeddings and heads, "
            f"the WordPiece vocab as `tokenizer.ggml.*`), written by `build/native/pocketformer convert "
            f"demo/models/{folder} -o demo/models/{folder}/model-q8.gguf --dtype q8 --samples <{rep['samples']} "
            f"held-out documents>`. The converter's accuracy report (converted model run as "
            f"{rep['runtime_format']}, {rep['positions']:,} token positions): mean-pooled hidden-state cosine "
            f"mean {rep['hidden_cosine_mean']:.6f} / min {rep['hidden_cosine_min']:.6f}, max |Δ| "
            f"{rep['hidden_max_abs_diff']:.4f}, language-ID argmax agreement "
            f"{100 * rep['head_argmax_agreement']:.2f}% over {rep['head_rows']} documents; "
            f"{mb(rep['bytes_before'])} → {mb(rep['bytes_after'])}. "
            f"`pipeline('text-classification', 'demo/models/{folder}/model-q8.gguf')` loads it.{notes}")


def gguf_text(rep):
    if not rep:
        return "Not measured (build/native/pocketformer was not available)."
    return (f"`model-q8.gguf`, written by `build/native/pocketformer convert demo/models/tiny-lm-student "
            f"-o demo/models/tiny-lm-student/model-q8.gguf --dtype q8 --samples <64 held-out documents>`. "
            f"The converter's accuracy report ({rep['samples']} samples, {rep['positions']:,} positions, "
            f"converted model run as {rep['runtime_format']}): logit cosine mean {rep['logit_cosine_mean']:.6f} / "
            f"min {rep['logit_cosine_min']:.6f}, max |Δlogit| {rep['logit_max_abs_diff']:.4f}, next-token argmax agreement "
            f"{100 * rep['argmax_agreement']:.2f}%, perplexity {rep['perplexity_before']:.2f} → "
            f"{rep['perplexity_after']:.2f}; {mb(rep['bytes_before'])} → {mb(rep['bytes_after'])}.")


def lm_runtime_text(rows):
    if not rows:
        return ("Not measured (dist/ was not available). Run `node scripts/train/lm_runtime_check.mjs "
                "demo/models/tiny-lm-student build/work/tiny-lm-student-reference.json`.")
    out = ["`pipeline('text-generation', <this folder>, { dtype })` in Node, 1 thread: greedy "
           "continuations compared token by token with the float64 PyTorch reference "
           "(`lm_reference.py`), and decode speed (64 tokens; shared machine, upper bounds).", "",
           "| dtype | greedy tokens equal to the float64 reference | tokens/s |", "|---|---|---|"]
    for r in rows:
        out.append("| %s | %s | %.0f |" % (r["dtype"], r["greedy_tokens_matching_reference"], r["tokens_per_s"]))
    return "\n".join(out)


def lm_card(res, speed_note, gguf=None):
    r, t = res["student"], res["teacher"]
    c = r["config"]
    tm = res["times_min"]
    st = res.get("steps") or {"teacher_steps": 150, "student_steps": 40}
    rows = ["| model | precision | perplexity (test, %d tokens) |" % r["eval"]["f32"]["tokens"], "|---|---|---|"]
    for n in ("teacher", "student"):
        for prec, label in (("f32", "f32 (as trained)"), ("f16", "f16 (as stored)"),
                            ("int8", "int8 per-channel"), ("q4", "4-bit per-channel")):
            rows.append("| %s | %s | %.1f |" % (n, label, res[n]["eval"][prec]["ppl"]))
    samples = "\n".join("- `%s`" % s.replace("`", "'") for s in r["samples"])
    return f"""# tiny-lm-student — tiny self-trained Llama-style LM (distilled)

**A tiny model trained from scratch on a shared 2-core CPU in minutes, for pocketformer's demo.**
Expect fortune-cookie-flavoured word salad: it exists to exercise the decoder path with real
trained weights. Its numbers below are what it measured.

- Architecture: `LlamaForCausalLM` layout — RMSNorm, RoPE (HF half-split `rotate_half`, θ = 10000),
  SwiGLU MLP, grouped-query attention; {c['layers']} layers, hidden {c['dim']}, {c['heads']} heads /
  {c['kv_heads']} KV heads (head_dim {c['dim'] // c['heads']}), FFN {c['ffn']}, context 256
  (trained on 64-token windows), vocab {r['vocab_size']}, untied `lm_head`.
- Parameters: {r['params']:,}; `model.safetensors` (F16): {mb(r['file_bytes'])}.
- Teacher (not committed): {t['config']['layers']} layers, hidden {t['config']['dim']},
  {t['config']['heads']}/{t['config']['kv_heads']} heads, FFN {t['config']['ffn']}; {t['params']:,} parameters,
  {mb(t['file_bytes'])}.
- Tokenizer: SentencePiece BPE trained with Debian's `spm_train` (`--model_type=bpe
  --byte_fallback=true --vocab_size=2048`, identity normalization, no whitespace collapsing,
  split digits, dummy prefix — Llama's settings): `tokenizer.model`, plus `tokenizer.json` in HF's
  Llama layout (BPE with byte_fallback, normalizer Prepend "▁" + Replace " "→"▁", decoder
  Replace/ByteFallback/Fuse/Strip, `<s>` prepended) generated from the model's pieces the way
  transformers' LlamaConverter does; `scripts/train/check_tokenizer_json.py` checks that
  tokenizers.js on this tokenizer.json gives the same ids and decoded text as sentencepiece on
  2003 held-out and edge-case texts (all languages, emoji via byte fallback).

## Data
English: Debian's `fortunes` + `fortunes-min` and Natsume Sōseki's *Botchan* (Project Gutenberg
English translation, `../shared/fixtures/tokenizers/sentencepiece/botchan.txt`, runs of 8 lines
as documents); 80/10/10 document split, seeded; {tm.get('train_tokens', 0):,} training tokens.
Nothing of the text is committed.

## How it was made
Batches of 16 windows of 64 tokens. Teacher: next-token cross-entropy, {st['teacher_steps']} steps.
Student: 0.5·T²·KL(teacher‖student at T=2) over the full next-token distributions + 0.5·CE,
{st['student_steps']} steps.

## Results (held-out test documents)
int8 / 4-bit simulate the runtime's scheme (linear weights per output channel, symmetric,
max|w|/127 or max|w|/7 in [-8, 7]; embeddings and norms float).

{chr(10).join(rows)}

Samples from the student (f32, temperature 0.8, seed 5):
{samples}

## In pocketformer
{speed_note}

## GGUF export
{gguf_text(gguf)}

## Training time and command
Wall time on the shared 2-core machine, 1 torch thread (OpenBLAS): teacher {tm.get('teacher_min', 0):.1f} min,
student {tm.get('student_min', 0):.1f} min. Reproduce with `bash scripts/train/all.sh`.

## Runtime support needed
`model_type: llama` (`LlamaForCausalLM`, GQA, untied lm_head, F16 weights) and either
`tokenizer.json` (BPE with byte_fallback, Prepend/Replace normalizer, ByteFallback/Fuse decoder)
or `tokenizer.model` (SentencePiece BPE); `generation_config.json` for sampling defaults.
"""


def main():
    enc = load("enc-results.json")
    speed = load("runtime-speed.json")
    runtime_acc = load("runtime-accuracy.json") or {}
    if enc:
        for which, folder in (("student", "lang-id-student"), ("pruned", "lang-id-pruned")):
            d = os.path.join(OUT, folder)
            if os.path.isdir(d):
                with open(os.path.join(d, "README.md"), "w", encoding="utf-8") as f:
                    f.write(encoder_card(enc, which, folder, (speed or {}).get(folder),
                                         runtime_acc.get(folder), load(folder + "-gguf-report.json")))
    lm = load("lm-results.json")
    if lm and os.path.isdir(os.path.join(OUT, "tiny-lm-student")):
        p = os.path.join(WORK, "lm-runtime.jsonl")
        rows = [json.loads(l) for l in open(p)] if os.path.exists(p) else None
        with open(os.path.join(OUT, "tiny-lm-student", "README.md"), "w", encoding="utf-8") as f:
            f.write(lm_card(lm, lm_runtime_text(rows), load("lm-gguf-report.json")))


if __name__ == "__main__":
    main()
