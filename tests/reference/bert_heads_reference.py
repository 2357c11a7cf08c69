#!/usr/bin/python3
"""Independent PyTorch reference for BERT / DistilBERT task heads and the
Hugging Face pipelines' post-processing.

    /usr/bin/python3 tests/reference/bert_heads_reference.py --model DIR --out reference.json

DIR is a task checkpoint from make_tiny_bert_heads.py (config.json names the
architecture).  The encoder runs in float64 through bert_reference.py /
distilbert_reference.py; the heads follow modeling_bert.py /
modeling_distilbert.py (eval mode, dropout inactive):
  BertForSequenceClassification        classifier(tanh(pooler(h[:, 0])))
  DistilBertForSequenceClassification  classifier(relu(pre_classifier(h[:, 0])))
  *ForTokenClassification              classifier(h)
  *ForQuestionAnswering                qa_outputs(h) -> start, end logits
  BertForMaskedLM    LN(gelu(transform.dense(h))) @ word_embeddings^T + cls.predictions.bias
  DistilBertForMaskedLM  vocab_layer_norm(gelu(vocab_transform(h))) @ word_embeddings^T
                         + vocab_projector.bias
Post-processing re-implements transformers' pipelines (text_classification.py,
token_classification.py, question_answering.py, fill_mask.py) on the float64
logits, with a fast BERT tokenizer's offsets (character indices, computed here
alongside bert_tokenizer.py's tokens and checked against them).

Output JSON: {"model": {...}, "task", "labels", "cases": [...]}, case layout
per task (offsets/start/end are code point indices into the text):
  text-classification  {text, input_ids, logits, results: {top1, top2, all, all_sigmoid, all_none}}
                       NLI models (an "entail..." label) also get "zero_shot": [{text, candidates,
                       template, multi_label, pairs: [{input_ids, token_type_ids}], logits
                       (flat [candidates, labels]), result: {labels, scores}}]
  token-classification {text, input_ids, offsets, logits (flat [seq, labels]),
                        entities: {none, simple, first, average, max}}
  question-answering   {question, context, options, windows: [{input_ids, token_type_ids,
                        start_logits, end_logits}], answers: [{score, start, end, answer}]}
  fill-mask            {text, input_ids, mask_positions, logits (flat [masks, vocab]),
                        top5, targets, targeted}
"""

import argparse
import json
import math
import os
import sys
import time
import unicodedata

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_reference as br  # noqa: E402
import distilbert_reference as dr  # noqa: E402
import safetensors_io  # noqa: E402
from bert_tokenizer import BertTokenizerRef, _is_cjk, _is_control, _is_punctuation, _is_whitespace  # noqa: E402

CLASSIFY_TEXTS = [
    "The cat sat on the mat.",
    "Hello, world! Is it (really) \"fine\"? Yes: it's great; well - maybe...",
    "Café naïve résumé",
    "",
    "the zorblax was unplayable at 5€",
    br.LONG_TEXT,
]
NER_TEXTS = [
    "My mother lives in the city near the river, with her brown dog.",
    "Playing songs, the boys jumped over houses!",
    "Café naïve résumé 5€ 我爱中国 cat",
    "the zorblax was unplayable at abc€def, ßtraße [MASK] end",
    br.LONG_TEXT,
]
QA_CASES = [
    ("where did the cat sit?", "The cat sat on the mat near the open door of our house.", {}),
    ("who lives by the river?", br.LONG_TEXT, {}),
    ("what did the fox do?", br.LONG_TEXT, {"top_k": 3, "doc_stride": 32, "max_answer_len": 5}),
    ("Is it café?", "Café naïve résumé, said the old man! 我爱中国 cat.", {"top_k": 4}),
    ("what?", " ".join(br.LONG_TEXT.split()[:60]), {"max_seq_len": 48, "doc_stride": 16, "top_k": 2}),
]
ZERO_SHOT_CASES = [
    ("The cat sat on the mat.", ["animals", "sports", "the weather"], "This example is {}.", False),
    ("The cat sat on the mat.", ["animals", "sports", "the weather"], "This example is {}.", True),
    ("Café naïve résumé, said the old man!", ["food"], "This example is {}.", False),
    (br.LONG_TEXT, ["river", "house", "music", "dog"], "The story is about {}.", False),
]
MASK_CASES = [
    ("The cat sat on the [MASK].", ["mat", "dog", "house", "zorblax"]),
    ("[MASK] quick brown fox, it's great!", ["the", "a"]),
    ("hello [MASK] world [MASK] .", []),
    ("Café [MASK] résumé", ["cafe"]),
]


# --------------------------------------------------- tokenizer with offsets ---

def tokenize_with_offsets(tok, text):
    """-> list of (token, start, end, word) with code point offsets into text:
    what a fast BERT tokenizer reports (offsets, word ids)."""
    out, word = [], 0
    specials = tok.specials
    pos, chunk = 0, 0

    def words_of(lo, hi):
        # (normalized chars, original index per char) per word
        words, cur, src = [], [], []

        def flush():
            if cur:
                words.append(("".join(cur), list(src)))
            cur.clear()
            src.clear()
        for i in range(lo, hi):
            ch = text[i]
            if ord(ch) == 0 or ord(ch) == 0xFFFD or _is_control(ch):
                continue
            if _is_whitespace(ch) or ch in "\u2028\u2029":
                flush()
                continue
            if tok.tokenize_chinese_chars and _is_cjk(ch):
                flush()
                cur.append(ch)
                src.append(i)
                flush()
                continue
            norm = ch
            if tok.do_lower_case:
                norm = "".join(c for c in unicodedata.normalize("NFD", ch.lower())
                               if unicodedata.category(c) != "Mn")
            for c in norm:
                if _is_punctuation(c):
                    flush()
                    cur.append(c)
                    src.append(i)
                    flush()
                else:
                    cur.append(c)
                    src.append(i)
        flush()
        return words

    def emit(lo, hi):
        nonlocal word
        for w, src in words_of(lo, hi):
            pieces = []
            if len(w) > tok.max_chars:
                pieces = None
            else:
                start = 0
                while start < len(w):
                    end, found = len(w), None
                    while start < end:
                        sub = ("##" if start else "") + w[start:end]
                        if sub in tok.vocab:
                            found = sub
                            break
                        end -= 1
                    if found is None:
                        pieces = None
                        break
                    pieces.append((found, src[start], src[end - 1] + 1))
                    start = end
            if pieces is None:
                pieces = [(tok.unk, src[0], src[-1] + 1)]
            out.extend((t, s, e, word) for t, s, e in pieces)
            word += 1

    while pos < len(text):
        match = None
        for sp in specials:
            if text.startswith(sp, pos) and (match is None or len(sp) > len(match)):
                match = sp
        if match is None:
            pos += 1
            continue
        emit(chunk, pos)
        out.append((match, pos, pos + len(match), word))
        word += 1
        pos += len(match)
        chunk = pos
    emit(chunk, len(text))
    ref = tok.tokenize(text)
    if [t for t, _, _, _ in out] != ref:
        raise AssertionError("offset tokenizer disagrees with bert_tokenizer on %r:\n%s\n%s"
                             % (text, [t for t, _, _, _ in out], ref))
    return out


def encode_offsets(tok, text):
    toks = tokenize_with_offsets(tok, text)[:tok.max_length - 2]
    ids = [tok.vocab[tok.cls]] + [tok.vocab[t] for t, _, _, _ in toks] + [tok.vocab[tok.sep]]
    offsets = [(0, 0)] + [(s, e) for _, s, e, _ in toks] + [(0, 0)]
    words = [None] + [w for _, _, _, w in toks] + [None]
    special = [1] + [1 if (t in tok.specials and text[s:e] == t) else 0 for t, s, e, _ in toks] + [1]
    return {"input_ids": ids, "offsets": offsets, "words": words, "special": special}


# ------------------------------------------------------------ decoding ---

def clean_up(s, decoder=False):
    for a, b in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
                 (" n't", "n't"), (" 'm", "'m")] + ([(" do not", " don't")] if decoder else []) + \
                [(" 's", "'s"), (" 've", "'ve"), (" 're", "'re")]:
        s = s.replace(a, b)
    return s


def convert_tokens_to_string(tokens):
    """tokenizers' decoders.WordPiece(prefix='##', cleanup=True).decode."""
    out = []
    for i, t in enumerate(tokens):
        if i:
            t = t[2:] if t.startswith("##") else " " + t
        out.append(clean_up(t, decoder=True))
    return "".join(out)


def decode(tok, ids, skip_special_tokens):
    inv = {v: k for k, v in tok.vocab.items()}
    special_ids = {tok.vocab[s] for s in tok.specials if s in tok.vocab}
    toks = [inv[i] for i in ids if not (skip_special_tokens and i in special_ids)]
    return clean_up(convert_tokens_to_string(toks))


# ---------------------------------------------------------------- models ---

def load(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    arrays, _, _ = safetensors_io.read_file(os.path.join(model_dir, "model.safetensors"))
    if cfg["model_type"] == "bert":
        cfg_, params, prefix, _ = br.load_model(model_dir)
    else:
        cfg_, params, prefix, _ = dr.load_distilbert(model_dir)
    P = br.to_torch(params, torch.float64)
    head = {k: torch.from_numpy(v.astype(np.float64)) for k, v in arrays.items()
            if not k.startswith(prefix)}
    return cfg, P, head


def encoder(cfg, P, ids, am, tt=None):
    ids, am = torch.tensor(ids), torch.tensor(am)
    if cfg["model_type"] == "bert":
        tt = torch.tensor(tt) if tt is not None else None
        return br.bert_forward(P, cfg, ids, am, tt)
    return dr.distilbert_forward(P, cfg, ids, am), None


def lin(x, W, name):
    return x @ W[name + ".weight"].T + W[name + ".bias"]


def seq_cls_logits(cfg, P, W, ids, am, tt=None):
    h, pooled = encoder(cfg, P, ids, am, tt)
    if cfg["model_type"] == "bert":
        return lin(pooled, W, "classifier")
    return lin(torch.relu(lin(h[:, 0], W, "pre_classifier")), W, "classifier")


def mlm_logits(cfg, P, W, h):
    if cfg["model_type"] == "bert":
        x = br.gelu(lin(h, W, "cls.predictions.transform.dense"))
        x = br.layer_norm(x, W["cls.predictions.transform.LayerNorm.weight"],
                          W["cls.predictions.transform.LayerNorm.bias"], cfg["layer_norm_eps"])
        return x @ P["embeddings.word_embeddings.weight"].T + W["cls.predictions.bias"]
    x = br.gelu(lin(h, W, "vocab_transform"))
    x = br.layer_norm(x, W["vocab_layer_norm.weight"], W["vocab_layer_norm.bias"], dr.LN_EPS)
    return x @ P["embeddings.word_embeddings.weight"].T + W["vocab_projector.bias"]


# ------------------------------------------------------- post-processing ---

def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def classify(logits, labels, function, top_k):
    """TextClassificationPipeline.postprocess (non-legacy)."""
    if function == "sigmoid":
        scores = 1.0 / (1.0 + np.exp(-logits))
    elif function == "softmax":
        scores = softmax(logits)
    else:
        scores = logits
    d = [{"label": labels[i], "score": float(s)} for i, s in enumerate(scores)]
    d.sort(key=lambda x: x["score"], reverse=True)
    return d if top_k is None else d[:top_k]


def zero_shot(logits, candidates, entailment_id, multi_label):
    """ZeroShotClassificationPipeline.postprocess for one sequence."""
    if multi_label or len(candidates) == 1:
        contradiction_id = -1 if entailment_id == 0 else 0
        ec = logits[..., [contradiction_id, entailment_id]]
        scores = (np.exp(ec) / np.exp(ec).sum(-1, keepdims=True))[..., 1]
    else:
        e = logits[..., entailment_id]
        scores = np.exp(e) / np.exp(e).sum(-1, keepdims=True)
    top = list(reversed(scores.argsort()))
    return {"labels": [candidates[i] for i in top], "scores": [float(scores[i]) for i in top]}


def get_tag(name):
    if name.startswith("B-"):
        return "B", name[2:]
    if name.startswith("I-"):
        return "I", name[2:]
    return "I", name


def ner(text, enc, logits, labels, strategy, ignore=("O",)):
    """TokenClassificationPipeline.postprocess for one text (no stride)."""
    scores = softmax(logits)
    inv = enc["tokens"]
    pre = []
    for idx, s in enumerate(scores):
        if enc["special"][idx]:
            continue
        word = inv[idx]
        a, b = enc["offsets"][idx]
        word_ref = text[a:b]
        is_subword = len(word) != len(word_ref)  # WordPiece has a continuing_subword_prefix
        if enc["input_ids"][idx] == enc["unk_id"]:
            word, is_subword = word_ref, False
        pre.append({"word": word, "scores": s, "start": a, "end": b, "index": idx,
                    "is_subword": is_subword})

    def agg_word(ents):
        word = convert_tokens_to_string([e["word"] for e in ents])
        if strategy == "first":
            sc = ents[0]["scores"]
        elif strategy == "max":
            sc = max(ents, key=lambda e: e["scores"].max())["scores"]
        else:
            sc = np.nanmean(np.stack([e["scores"] for e in ents]), axis=0)
        i = int(sc.argmax())
        return {"entity": labels[i], "score": float(sc[i]), "word": word,
                "start": ents[0]["start"], "end": ents[-1]["end"]}

    if strategy in ("none", "simple"):
        ents = []
        for p in pre:
            i = int(p["scores"].argmax())
            ents.append({"entity": labels[i], "score": float(p["scores"][i]), "index": p["index"],
                         "word": p["word"], "start": p["start"], "end": p["end"]})
    else:
        ents, group = [], None
        for p in pre:
            if group is None:
                group = [p]
            elif p["is_subword"]:
                group.append(p)
            else:
                ents.append(agg_word(group))
                group = [p]
        if group is not None:
            ents.append(agg_word(group))
    if strategy != "none":
        groups, cur = [], []

        def close(g):
            return {"entity_group": g[0]["entity"].split("-", 1)[-1],
                    "score": float(np.mean(np.nanmean([e["score"] for e in g]))),
                    "word": convert_tokens_to_string([e["word"] for e in g]),
                    "start": g[0]["start"], "end": g[-1]["end"]}
        for e in ents:
            if not cur:
                cur.append(e)
                continue
            bi, tag = get_tag(e["entity"])
            _, last_tag = get_tag(cur[-1]["entity"])
            if tag == last_tag and bi != "B":
                cur.append(e)
            else:
                groups.append(close(cur))
                cur = [e]
        if cur:
            groups.append(close(cur))
        ents = groups
    return [e for e in ents if e.get("entity") not in ignore and e.get("entity_group") not in ignore]


def qa_windows(tok, question, context, max_seq_len, doc_stride, bert):
    """Tokenizer(question, context, truncation='only_second', stride=doc_stride,
    return_overflowing_tokens=True): windows of the context tokens."""
    q = [tok.vocab[t] for t in tok.tokenize(question)]
    ctx = tokenize_with_offsets(tok, context)
    room = max_seq_len - len(q) - 3
    assert room > doc_stride, "stride must be smaller than the window"
    windows, end, start = [], False, 0
    for start in range(0, max(len(ctx), 1), room - doc_stride):
        if end:
            break
        stop = min(start + room, len(ctx))
        end = stop == len(ctx)
        part = ctx[start:stop]
        ids = [tok.vocab[tok.cls]] + q + [tok.vocab[tok.sep]] + \
              [tok.vocab[t] for t, _, _, _ in part] + [tok.vocab[tok.sep]]
        seq_ids = [None] + [0] * len(q) + [None] + [1] * len(part) + [None]
        types = [0] * (len(q) + 2) + [1] * (len(part) + 1)
        windows.append({"input_ids": ids, "token_type_ids": types if bert else [0] * len(ids),
                        "sequence_ids": seq_ids,
                        "offsets": [None] * (len(q) + 2) + [(s, e) for _, s, e, _ in part] + [None],
                        "words": [None] * (len(q) + 2) + [w for _, _, _, w in part] + [None]})
    return windows, ctx


def decode_spans(start, end, topk, max_answer_len, undesired_tokens):
    """question_answering.decode_spans."""
    start, end = start[None], end[None]
    outer = np.matmul(np.expand_dims(start, -1), np.expand_dims(end, 1))
    candidates = np.tril(np.triu(outer), max_answer_len - 1)
    scores_flat = candidates.flatten()
    if topk == 1:
        idx_sort = [np.argmax(scores_flat)]
    elif len(scores_flat) < topk:
        idx_sort = np.argsort(-scores_flat, kind="stable")
    else:
        idx = np.argpartition(-scores_flat, topk)[0:topk]
        idx_sort = idx[np.argsort(-scores_flat[idx], kind="stable")]
    starts, ends = np.unravel_index(idx_sort, candidates.shape)[1:]
    desired = np.isin(starts, undesired_tokens.nonzero()) & np.isin(ends, undesired_tokens.nonzero())
    starts, ends = starts[desired], ends[desired]
    return starts, ends, candidates[0, starts, ends]


def qa_answers(context, windows, ctx_tokens, start_logits, end_logits, top_k, max_answer_len):
    """QuestionAnsweringPipeline.postprocess (fast tokenizer, align_to_words)."""
    word_chars = {}
    for _, s, e, w in ctx_tokens:
        a, b = word_chars.get(w, (s, e))
        word_chars[w] = (min(a, s), max(b, e))
    answers = []
    for w, st, en in zip(windows, start_logits, end_logits):
        p_mask = np.array([0 if (sid == 1 or i == 0) else 1 for i, sid in enumerate(w["sequence_ids"])])
        undesired = np.abs(p_mask - 1)  # attention mask all ones: no padding here
        mask = undesired == 0.0
        st = np.where(mask, -10000.0, st)
        en = np.where(mask, -10000.0, en)
        st = np.exp(st - st.max(axis=-1, keepdims=True))
        st = st / st.sum()
        en = np.exp(en - en.max(axis=-1, keepdims=True))
        en = en / en.sum()
        st[0] = en[0] = 0.0
        starts, ends, scores = decode_spans(st, en, top_k, max_answer_len, undesired)
        for s, e, score in zip(starts, ends, scores):
            if w["words"][s] is None or w["words"][e] is None:
                raise AssertionError("span outside the context")  # only [CLS] (score 0) can be
            a = word_chars[w["words"][s]][0]
            b = word_chars[w["words"][e]][1]
            answers.append({"score": float(score), "start": a, "end": b, "answer": context[a:b]})
    answers.sort(key=lambda x: x["score"], reverse=True)
    return answers[:top_k]


def fill_mask(tok, ids, mask_positions, logits, top_k, targets):
    """FillMaskPipeline.postprocess (+ get_target_ids)."""
    target_ids = None
    if targets:
        target_ids = []
        for t in targets:
            i = tok.vocab.get(t)
            if i is None:
                pieces = tok.tokenize(t)
                if not pieces:
                    continue
                i = tok.vocab[pieces[0]]
            target_ids.append(i)
        target_ids = sorted(set(target_ids))
        top_k = min(top_k, len(target_ids))
    single = len(mask_positions) == 1
    pad = tok.vocab[tok.pad]
    result = []
    for m, pos in enumerate(mask_positions):
        probs = softmax(logits[m])
        cand = probs if target_ids is None else probs[target_ids]
        order = np.argsort(-cand, kind="stable")[:top_k]
        row = []
        for k in order:
            p = int(k) if target_ids is None else target_ids[int(k)]
            t = list(ids)
            t[pos] = p
            t = [x for x in t if x != pad]
            row.append({"score": float(cand[k]), "token": p, "token_str": decode(tok, [p], False),
                        "sequence": decode(tok, t, single)})
        result.append(row)
    return result


# ------------------------------------------------------------------ main ---

def floats(t):
    return [float(v) for v in np.asarray(t).reshape(-1)]


def main(argv=None):
    ap = argparse.ArgumentParser(description="BERT-family task head reference (float64)")
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t0 = time.time()
    torch.set_grad_enabled(False)
    cfg, P, W = load(a.model)
    bert = cfg["model_type"] == "bert"
    arch = cfg["architectures"][0]
    tok = BertTokenizerRef.from_dir(a.model, cfg["max_position_embeddings"])
    inv = {v: k for k, v in tok.vocab.items()}
    labels = [cfg["id2label"][str(i)] for i in range(len(cfg["id2label"]))] if "id2label" in cfg else None
    cases = []

    if arch.endswith("ForSequenceClassification"):
        task = "text-classification"
        multi = cfg.get("problem_type") == "multi_label_classification"
        default = "sigmoid" if multi or len(labels) == 1 else "softmax"
        for text in CLASSIFY_TEXTS:
            enc = tok.encode(text)
            logits = seq_cls_logits(cfg, P, W, [enc["input_ids"]], [enc["attention_mask"]])[0].numpy()
            cases.append({"text": text, "input_ids": enc["input_ids"], "logits": floats(logits),
                          "results": {"top1": classify(logits, labels, default, 1),
                                      "top2": classify(logits, labels, default, 2),
                                      "all": classify(logits, labels, default, None),
                                      "all_sigmoid": classify(logits, labels, "sigmoid", None),
                                      "all_none": classify(logits, labels, "none", None)}})
        extra = {"default_function": default}
        entail = [i for i, l in enumerate(labels) if l.lower().startswith("entail")]
        if entail:
            zs = []
            for text, candidates, template, multi in ZERO_SHOT_CASES:
                premise = [tok.vocab[t] for t in tok.tokenize(text)]
                pairs, rows = [], []
                for c in candidates:
                    hyp = [tok.vocab[t] for t in tok.tokenize(template.replace("{}", c))]
                    keep = premise[:tok.max_length - len(hyp) - 3]  # truncation="only_first"
                    ids = [tok.vocab[tok.cls]] + keep + [tok.vocab[tok.sep]] + hyp + [tok.vocab[tok.sep]]
                    tt = [0] * (len(keep) + 2) + [1 if bert else 0] * (len(hyp) + 1)
                    pairs.append({"input_ids": ids, "token_type_ids": tt})
                    rows.append(seq_cls_logits(cfg, P, W, [ids], [[1] * len(ids)], [tt])[0].numpy())
                logits = np.stack(rows)
                zs.append({"text": text, "candidates": candidates, "template": template,
                           "multi_label": multi, "pairs": pairs, "logits": floats(logits),
                           "result": zero_shot(logits, candidates, entail[0], multi)})
            extra["entailment_id"] = entail[0]
            extra["zero_shot"] = zs
    elif arch.endswith("ForTokenClassification"):
        task = "token-classification"
        for text in NER_TEXTS:
            enc = encode_offsets(tok, text)
            enc["tokens"] = [inv[i] for i in enc["input_ids"]]
            enc["unk_id"] = tok.vocab[tok.unk]
            h, _ = encoder(cfg, P, [enc["input_ids"]], [[1] * len(enc["input_ids"])])
            logits = lin(h[0], W, "classifier").numpy()
            cases.append({"text": text, "input_ids": enc["input_ids"], "offsets": enc["offsets"],
                          "words": enc["words"], "logits": floats(logits),
                          "entities": {s: ner(text, enc, logits, labels, s)
                                       for s in ("none", "simple", "first", "average", "max")}})
        extra = {}
    elif arch.endswith("ForQuestionAnswering"):
        task = "question-answering"
        for question, context, opts in QA_CASES:
            max_seq_len = opts.get("max_seq_len", min(384, cfg["max_position_embeddings"]))
            doc_stride = opts.get("doc_stride", min(max_seq_len // 2, 128))
            top_k, max_answer_len = opts.get("top_k", 1), opts.get("max_answer_len", 15)
            windows, ctx = qa_windows(tok, question, context, max_seq_len, doc_stride, bert)
            starts, ends = [], []
            for w in windows:
                h, _ = encoder(cfg, P, [w["input_ids"]], [[1] * len(w["input_ids"])],
                               [w["token_type_ids"]])
                out = lin(h[0], W, "qa_outputs").numpy()
                starts.append(out[:, 0])
                ends.append(out[:, 1])
            cases.append({"question": question, "context": context,
                          "options": {"top_k": top_k, "max_answer_len": max_answer_len,
                                      "doc_stride": doc_stride, "max_seq_len": max_seq_len},
                          "windows": [{"input_ids": w["input_ids"], "token_type_ids": w["token_type_ids"],
                                       "start_logits": floats(s), "end_logits": floats(e)}
                                      for w, s, e in zip(windows, starts, ends)],
                          "answers": qa_answers(context, windows, ctx, starts, ends, top_k,
                                                max_answer_len)})
        extra = {}
    elif arch.endswith("ForMaskedLM"):
        task = "fill-mask"
        for text, targets in MASK_CASES:
            enc = tok.encode(text)
            ids = enc["input_ids"]
            pos = [i for i, t in enumerate(ids) if t == tok.vocab[tok.mask]]
            h, _ = encoder(cfg, P, [ids], [[1] * len(ids)])
            logits = mlm_logits(cfg, P, W, h[0, pos]).numpy()
            cases.append({"text": text, "input_ids": ids, "mask_positions": pos,
                          "logits": floats(logits),
                          "top5": fill_mask(tok, ids, pos, logits, 5, None),
                          "targets": targets,
                          "targeted": fill_mask(tok, ids, pos, logits, 5, targets) if targets else None})
        extra = {}
    else:
        raise ValueError("unsupported architecture " + arch)

    zero_shot_cases = extra.pop("zero_shot", None)
    out = {"model": {"architecture": arch, "model_type": cfg["model_type"],
                     "vocab_size": cfg["vocab_size"], "reference_dtype": "float64", **extra},
           "task": task, "labels": labels, "cases": cases}
    if zero_shot_cases is not None:
        out["zero_shot"] = zero_shot_cases
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(json.dumps(out, ensure_ascii=False) + "\n")
    print("%s (%s): %d cases, wrote %s (%d bytes) in %.2fs"
          % (arch, task, len(cases), a.out, os.path.getsize(a.out), time.time() - t0))


if __name__ == "__main__":
    main()
