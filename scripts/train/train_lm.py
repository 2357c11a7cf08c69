"""Tiny Llama-style LM: teacher trained on the English text, student distilled from it.

  --stage teacher   next-token CE                              -> build/work/lm-teacher.pt
  --stage student   a*T^2*KL(teacher^T || student^T) + (1-a)*CE -> build/work/lm-student.pt
  --stage export    perplexity (f32 / f16 / int8 / 4-bit) + HF folders

Text: documents (one per line) encoded with the SentencePiece model, each prefixed with
<s>, concatenated into one stream and cut into windows of SEQ + 1 tokens."""

import argparse
import copy
import json
import math
import os
import shutil
import time

import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F

import common
from common import log
from llama_model import Cfg, LlamaForCausalLM, hf_config

SEQ = 64
TEACHER = dict(dim=128, layers=4, heads=4, kv_heads=2, ffn=384)
STUDENT = dict(dim=64, layers=2, heads=2, kv_heads=1, ffn=192)
T, ALPHA = 2.0, 0.5
EVAL_TOKENS = 20000


def stream(sp, path):
    ids = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            ids.append(sp.bos_id())
            ids.extend(sp.encode(line.rstrip("\n")))
    return torch.tensor(ids, dtype=torch.long)


def make(kw, vocab):
    return LlamaForCausalLM(Cfg(vocab, max_pos=256, **kw))


def train(model, ids, steps, lr, gen, teacher=None, batch=16):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (steps * 0.06)) * max(0.0, (steps - s) / steps))
    model.train()
    t0 = time.time()
    V = model.c.vocab_size
    for step in range(steps):
        starts = torch.randint(0, len(ids) - SEQ - 1, (batch,), generator=gen)
        win = torch.stack([ids[s:s + SEQ + 1] for s in starts.tolist()])
        x, y = win[:, :-1], win[:, 1:]
        logits = model(x).view(-1, V)
        ce = F.cross_entropy(logits, y.reshape(-1))
        if teacher is None:
            loss = ce
        else:
            with torch.no_grad():
                t_logits = teacher(x).view(-1, V)
            kl = F.kl_div(F.log_softmax(logits / T, -1), F.softmax(t_logits / T, -1),
                          reduction="batchmean")
            loss = ALPHA * T * T * kl + (1 - ALPHA) * ce
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 10 == 0 or step == steps - 1:
            log("step %d/%d loss %.3f ce %.3f (%.2fs/step)" % (
                step, steps, loss.item(), ce.item(), (time.time() - t0) / (step + 1)))
    model.eval()
    return model


@torch.no_grad()
def perplexity(model, ids):
    ids = ids[:EVAL_TOKENS + 1]
    nll, n = 0.0, 0
    for s in range(0, len(ids) - 1, SEQ):
        win = ids[s:s + SEQ + 1]
        if len(win) < 2:
            break
        logits = model(win[None, :-1])[0]
        nll += F.cross_entropy(logits, win[1:], reduction="sum").item()
        n += len(win) - 1
    return {"ppl": math.exp(nll / n), "tokens": n}


def variants(model, ids):
    out = {"f32": perplexity(model, ids)}
    m = copy.deepcopy(model)
    common.round_to_f16(m)
    out["f16"] = perplexity(m, ids)
    for bits, key in ((8, "int8"), (4, "q4")):
        q = copy.deepcopy(m)
        common.quantize_linear_weights(q, bits)
        out[key] = perplexity(q, ids)
    return out


@torch.no_grad()
def sample(model, sp, prompt, n=40, temperature=0.8, seed=5):
    g = torch.Generator().manual_seed(seed)
    ids = [sp.bos_id()] + sp.encode(prompt)
    for _ in range(n):
        logits = model(torch.tensor([ids[-SEQ:]]))[0, -1] / temperature
        nxt = torch.multinomial(logits.softmax(-1), 1, generator=g).item()
        if nxt == sp.eos_id():
            break
        ids.append(nxt)
    return sp.decode(ids[1:])


def export(model, out_dir, spm_prefix, sp):
    os.makedirs(out_dir, exist_ok=True)
    size = common.save_safetensors(os.path.join(out_dir, "model.safetensors"),
                                   model.state_dict(), "F16")
    common.write_json(os.path.join(out_dir, "config.json"),
                      hf_config(model.c, sp.bos_id(), sp.eos_id()))
    common.write_json(os.path.join(out_dir, "generation_config.json"), {
        "bos_token_id": sp.bos_id(), "eos_token_id": sp.eos_id(), "do_sample": True,
        "temperature": 0.8, "top_p": 0.95, "max_length": 256})
    shutil.copyfile(spm_prefix + ".model", os.path.join(out_dir, "tokenizer.model"))
    shutil.copyfile(spm_prefix + ".tokenizer.json", os.path.join(out_dir, "tokenizer.json"))
    import spm_tokenizer
    common.write_json(os.path.join(out_dir, "tokenizer_config.json"),
                      spm_tokenizer.tokenizer_config())
    common.write_json(os.path.join(out_dir, "special_tokens_map.json"), {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"})
    return size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage", required=True, choices=["teacher", "student", "export"])
    ap.add_argument("--data", default="build/train-data")
    ap.add_argument("--work", default="build/work")
    ap.add_argument("--out", default="demo/models")
    ap.add_argument("--teacher-steps", type=int, default=700)
    ap.add_argument("--student-steps", type=int, default=500)
    args = ap.parse_args()
    common.setup(4321)
    gen = torch.Generator().manual_seed(4321)
    prefix = os.path.join(args.work, "lm-spm")
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    V = sp.get_piece_size()
    train_ids = stream(sp, os.path.join(args.data, "lm/train.txt"))
    test_ids = stream(sp, os.path.join(args.data, "lm/test.txt"))
    tpath, spath = os.path.join(args.work, "lm-teacher.pt"), os.path.join(args.work, "lm-student.pt")
    times_path = os.path.join(args.work, "lm-times.json")
    times = json.load(open(times_path)) if os.path.exists(times_path) else {}
    times["train_tokens"] = len(train_ids)
    timer = common.Timer()
    if args.stage == "teacher":
        m = train(make(TEACHER, V), train_ids, args.teacher_steps, 2e-3, gen)
        log("teacher", perplexity(m, test_ids))
        torch.save(m.state_dict(), tpath)
        times["teacher_min"] = timer.minutes()
    elif args.stage == "student":
        t = make(TEACHER, V)
        t.load_state_dict(torch.load(tpath))
        t.eval()
        s = train(make(STUDENT, V), train_ids, args.student_steps, 3e-3, gen, teacher=t)
        log("student", perplexity(s, test_ids))
        torch.save(s.state_dict(), spath)
        times["student_min"] = timer.minutes()
    else:
        results = {"times_min": times,
                   "steps": {"teacher_steps": args.teacher_steps, "student_steps": args.student_steps}}
        for name, kw, path, folder in (("teacher", TEACHER, tpath, None),
                                       ("student", STUDENT, spath, "tiny-lm-student")):
            m = make(kw, V)
            m.load_state_dict(torch.load(path))
            m.eval()
            dest = os.path.join(args.out, folder) if folder else os.path.join(args.work, "tiny-lm-teacher")
            results[name] = {"config": kw, "vocab_size": V, "params": common.count_params(m),
                             "eval": variants(m, test_ids),
                             "file_bytes": export(m, dest, prefix, sp),
                             "samples": [sample(m, sp, p) for p in
                                         ("The meaning of life is", "A computer", "I went to")]}
            log(name, json.dumps(results[name], ensure_ascii=False))
        common.write_json(os.path.join(args.work, "lm-results.json"), results)
    common.write_json(times_path, times)


if __name__ == "__main__":
    main()
