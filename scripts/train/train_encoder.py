"""Language-ID encoder: BERT teacher (MLM pre-training, then language-ID fine-tuning with
the MLM loss kept as an auxiliary task), a distilled student, and a structurally pruned
student (attention heads and FFN neurons, removed by the project's own converter).

  --stage teacher   MLM pre-training + fine-tuning           -> build/work/enc-teacher.pt
  --stage student   distillation from the teacher             -> build/work/enc-student.pt
  --stage prune     `pocketformer prune` (heads + FFN neurons, activation importance on
                    validation texts) of the exported student, then a distillation
                    fine-tune of the pruned shape                -> build/work/enc-pruned.pt
  --stage export    evaluate everything (f32 / f16 / int8 / 4-bit) and write HF folders

Distillation loss (Hinton et al.):  a * T^2 * KL(p_teacher^T || p_student^T) + (1 - a) * CE
applied to the language-ID logits and, on the masked positions, to the MLM logits, so the
student also fills masks.
"""

import argparse
import copy
import json
import os
import subprocess
import time

import torch
import torch.nn.functional as F

import common
import encoder_data as data
from bert_model import BertMultiTask, Cfg, hf_config, load_hf_folder
from common import log

MAX_LEN = 32  # tokens per document seen by the models (incl. [CLS] [SEP])
EVAL_DOCS = 1000  # held-out test documents evaluated (a fixed seeded sample)
TEACHER = dict(hidden=128, layers=4, heads=4, ffn=512)
STUDENT = dict(hidden=64, layers=2, heads=4, ffn=256)
PRUNE_HEADS, PRUNE_FFN = 0.25, 0.5  # share of each layer's heads / FFN neurons removed
PRUNE_SAMPLES = 512  # validation texts ranking the heads / neurons (activation importance)
PRUNER = os.path.join(common.REPO, "build/native/pocketformer")
T, ALPHA = 2.0, 0.5


def make(cfg_kw, vocab_size):
    return BertMultiTask(Cfg(vocab_size, max_pos=128, num_labels=len(data.LANGS), **cfg_kw))


def kd_loss(s_logits, t_logits, labels, ignore=-100):
    keep = labels != ignore
    s, t, y = s_logits[keep], t_logits[keep], labels[keep]
    kl = F.kl_div(F.log_softmax(s / T, -1), F.softmax(t / T, -1), reduction="batchmean")
    return ALPHA * T * T * kl + (1 - ALPHA) * F.cross_entropy(s, y)


def train(model, d, steps, lr, gen, mode, teacher=None, batch=32, masks=None):
    """mode: 'mlm' (MLM only), 'ft' (CE labels + MLM), 'cls' (CE labels only),
    'kd' (distil from teacher)."""
    seqs, labels = d["train"]
    vocab = model.c.vocab_size
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (steps * 0.06)) * max(0.0, (steps - s) / steps))
    it = data.batches(len(seqs), batch, gen)
    model.train()
    t0 = time.time()
    for step in range(steps):
        idx = next(it)
        ids, attn = data.pad([seqs[i] for i in idx])
        inputs, targets = data.mask_tokens(ids, attn, vocab, gen)
        x = model.hidden_states(inputs, attn, *(masks or (None, None)))
        sel = targets != -100  # the MLM head only runs on masked positions (cheaper)
        mlm = model.mlm_logits(x[sel])
        y, t_sel = labels[idx], targets[sel]
        if mode == "mlm":
            loss = F.cross_entropy(mlm, t_sel)
        elif mode == "ft":
            loss = F.cross_entropy(model.classify(x), y) + F.cross_entropy(mlm, t_sel)
        elif mode == "cls":
            loss = F.cross_entropy(model.classify(x), y)
        else:
            with torch.no_grad():
                tx = teacher.hidden_states(inputs, attn)
                t_cls, t_mlm = teacher.classify(tx), teacher.mlm_logits(tx[sel])
            loss = kd_loss(model.classify(x), t_cls, y) + kd_loss(mlm, t_mlm, t_sel)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 10 == 0 or step == steps - 1:
            log("%s step %d/%d loss %.3f (%.2fs/step)" % (mode, step, steps, loss.item(),
                                                        (time.time() - t0) / (step + 1)))
    model.eval()
    return model


@torch.no_grad()
def evaluate(model, d, split="test", seed=7):
    seqs, labels = d[split]
    gen = torch.Generator().manual_seed(seed)
    correct = total = m_ok = m_n = 0
    for bs, y in data.eval_batches(seqs, labels):
        ids, attn = data.pad(bs)
        x = model.hidden_states(ids, attn)
        correct += (model.classify(x).argmax(-1) == y).sum().item()
        total += len(y)
        inputs, targets = data.mask_tokens(ids, attn, model.c.vocab_size, gen, eval_mode=True)
        sel = targets != -100
        pred = model.mlm_logits(model.hidden_states(inputs, attn)[sel]).argmax(-1)
        m_ok += (pred == targets[sel]).sum().item()
        m_n += sel.sum().item()
    return {"langid_acc": correct / total, "mlm_acc": m_ok / m_n, "n_docs": total,
            "n_masked": m_n}


def export(model, out_dir, vocab_path, results=None, name=None, extra_config=None):
    os.makedirs(out_dir, exist_ok=True)
    sd = model.hf_state_dict()
    size = common.save_safetensors(os.path.join(out_dir, "model.safetensors"), sd, "F16")
    common.write_json(os.path.join(out_dir, "config.json"),
                      hf_config(model.c, data.LANGS, ["BertForSequenceClassification"], extra_config))
    with open(vocab_path, encoding="utf-8") as f, \
            open(os.path.join(out_dir, "vocab.txt"), "w", encoding="utf-8") as g:
        g.write(f.read())
    common.write_json(os.path.join(out_dir, "tokenizer_config.json"), {
        "tokenizer_class": "BertTokenizer", "do_lower_case": True, "strip_accents": None,
        "tokenize_chinese_chars": True, "model_max_length": 128,
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
        "cls_token": "[CLS]", "mask_token": "[MASK]"})
    common.write_json(os.path.join(out_dir, "special_tokens_map.json"), {
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
        "cls_token": "[CLS]", "mask_token": "[MASK]"})
    if results is not None:
        results[name]["file_bytes"] = size
    return size


def prune_with_converter(student, data_dir, work, vocab_path, pruner="converter"):
    """Exports the student (F16, as shipped), ranks and removes heads + FFN neurons with
    `pocketformer prune --samples` (activation importance on validation texts) and loads
    the pruned HF folder back (per-layer head counts and FFN widths).
    pruner="reference": tests/reference/prune_hf_style.py instead, the independent numpy
    pruner the test suite checks the converter's weight-magnitude mode against (the same
    files `pocketformer prune` writes without --samples, minus its report) -- for a
    machine where the native build is not available yet."""
    src, dst = os.path.join(work, "enc-student-hf"), os.path.join(work, "enc-pruned-raw")
    export(student, src, vocab_path)
    samples = os.path.join(work, "prune-samples.txt")
    raw = [l.rstrip("\n").split("\t", 1)[1] for l in
           open(os.path.join(data_dir, "langid", "valid.tsv"), encoding="utf-8")]
    pick = torch.randperm(len(raw), generator=torch.Generator().manual_seed(5))[:PRUNE_SAMPLES]
    with open(samples, "w", encoding="utf-8") as f:
        for i in pick.tolist():
            f.write(raw[i][:200].replace("\n", " ") + "\n")
    if os.path.exists(dst):
        import shutil
        shutil.rmtree(dst)
    if pruner == "reference":
        subprocess.run(["/usr/bin/python3", os.path.join(common.REPO, "tests/reference/prune_hf_style.py"),
                        "--model", src, "--out", dst, "--heads-fraction", str(PRUNE_HEADS),
                        "--ffn-fraction", str(PRUNE_FFN)], check=True)
        model, cfg = load_hf_folder(dst, len(data.LANGS))
        report = {"pruner": "tests/reference/prune_hf_style.py (weight magnitude)",
                  "heads_fraction": PRUNE_HEADS, "ffn_fraction": PRUNE_FFN,
                  "attention_heads_before": [model.c.heads] * model.c.layers, "attention_heads_after": model.c.layer_heads,
                  "ffn_width_before": [model.c.ffn] * model.c.layers, "ffn_width_after": model.c.layer_ffn}
        pruning = {"method": "magnitude", "heads_fraction": PRUNE_HEADS, "ffn_fraction": PRUNE_FFN,
                   "attention_heads_per_layer": model.c.layer_heads,
                   "intermediate_size_per_layer": model.c.layer_ffn}
        model.eval()
        return model, pruning, report
    if not os.path.exists(PRUNER):
        raise SystemExit("%s is missing: run `JOBS=2 bash scripts/build.sh native`" % PRUNER)
    report = os.path.join(work, "prune-report.json")
    subprocess.run([PRUNER, "prune", src, "-o", dst, "--heads", str(PRUNE_HEADS), "--ffn",
                    str(PRUNE_FFN), "--samples", samples, "--report", report], check=True)
    model, cfg = load_hf_folder(dst, len(data.LANGS))
    model.eval()
    report = dict(json.load(open(report)), pruner="pocketformer prune (activations on the samples)")
    return model, cfg["pocketformer_pruning"], report


def variants(model, d):
    """f32 (as trained), f16 (as stored), int8 and 4-bit (runtime's weight scheme)."""
    out = {"f32": evaluate(model, d)}
    m = copy.deepcopy(model)
    common.round_to_f16(m)
    out["f16"] = evaluate(m, d)
    for bits, key in ((8, "int8"), (4, "q4")):
        q = copy.deepcopy(m)
        common.quantize_linear_weights(q, bits)
        out[key] = evaluate(q, d)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage", required=True, choices=["teacher", "student", "prune", "export"])
    ap.add_argument("--data", default="build/train-data")
    ap.add_argument("--work", default="build/work")
    ap.add_argument("--vocab", default="build/work/vocab.txt")
    ap.add_argument("--out", default="demo/models")
    ap.add_argument("--pruner", choices=["converter", "reference"], default="converter")
    ap.add_argument("--mlm-steps", type=int, default=1500)
    ap.add_argument("--ft-steps", type=int, default=1000)
    ap.add_argument("--kd-steps", type=int, default=1500)
    ap.add_argument("--prune-steps", type=int, default=400)
    args = ap.parse_args()
    common.setup(1234)
    gen = torch.Generator().manual_seed(1234)
    d = data.load(args.data, args.vocab, args.work, 64, MAX_LEN, EVAL_DOCS)
    vocab_size = sum(1 for _ in open(args.vocab, encoding="utf-8"))
    tpath = os.path.join(args.work, "enc-teacher.pt")
    spath = os.path.join(args.work, "enc-student.pt")
    ppath = os.path.join(args.work, "enc-pruned.pt")
    times_path = os.path.join(args.work, "enc-times.json")
    times = json.load(open(times_path)) if os.path.exists(times_path) else {}
    timer = common.Timer()

    if args.stage == "teacher":
        m = make(TEACHER, vocab_size)
        train(m, d, args.mlm_steps, 2e-3, gen, "mlm")
        log("after MLM:", evaluate(m, d, "valid"))
        train(m, d, args.ft_steps, 1e-3, gen, "ft")
        log("teacher:", evaluate(m, d, "valid"))
        torch.save(m.state_dict(), tpath)
        times["teacher_min"] = timer.minutes()
    elif args.stage == "student":
        t = make(TEACHER, vocab_size)
        t.load_state_dict(torch.load(tpath))
        t.eval()
        s = make(STUDENT, vocab_size)
        train(s, d, args.kd_steps, 2e-3, gen, "kd", teacher=t)
        log("student:", evaluate(s, d, "valid"))
        torch.save(s.state_dict(), spath)
        times["student_min"] = timer.minutes()
    elif args.stage == "prune":
        t = make(TEACHER, vocab_size)
        t.load_state_dict(torch.load(tpath))
        t.eval()
        s = make(STUDENT, vocab_size)
        s.load_state_dict(torch.load(spath))
        s.eval()
        p, pruning, report = prune_with_converter(s, args.data, args.work, args.vocab, args.pruner)
        before = evaluate(p, d)
        log("pruned, before the recovery fine-tune (test):", before)
        train(p, d, args.prune_steps, 1e-3, gen, "kd", teacher=t)
        log("pruned + distilled (valid):", evaluate(p, d, "valid"))
        torch.save({"state": p.state_dict(), "shape": p.c.kwargs(), "pruning": pruning,
                    "before_finetune": before, "converter_report": report}, ppath)
        times["prune_min"] = timer.minutes()
    else:
        results = {}
        models = {}
        pruned = torch.load(ppath)
        for name, kw, path in (("teacher", TEACHER, tpath), ("student", STUDENT, spath),
                               ("pruned", pruned["shape"], None)):
            m = make(kw, vocab_size)
            m.load_state_dict(pruned["state"] if path is None else torch.load(path))
            m.eval()
            models[name] = m
            results[name] = {"config": kw, "vocab_size": vocab_size,
                             "params": common.count_params(m),
                             "params_without_mlm_head": common.count_params(m, ("cls.",)),
                             "eval": variants(m, d)}
            log(name, json.dumps(results[name]))
        results["pruned"]["before_finetune"] = pruned["before_finetune"]
        results["pruned"]["converter_report"] = pruned["converter_report"]
        for name, folder in (("student", "lang-id-student"), ("pruned", "lang-id-pruned"),
                             ("teacher", None)):
            dest = os.path.join(args.out, folder) if folder else os.path.join(args.work, "lang-id-teacher")
            export(models[name], dest, args.vocab, results, name,
                   {"pocketformer_pruning": pruned["pruning"]} if name == "pruned" else None)
        results["times_min"] = times
        results["steps"] = {k: getattr(args, k) for k in
                            ("mlm_steps", "ft_steps", "kd_steps", "prune_steps")}
        common.write_json(os.path.join(args.work, "enc-results.json"), results)
    common.write_json(times_path, times)


if __name__ == "__main__":
    main()
