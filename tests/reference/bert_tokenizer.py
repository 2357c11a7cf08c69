"""Independent re-implementation of Hugging Face's slow BertTokenizer
(transformers/models/bert/tokenization_bert.py) -- pure Python, no deps.

Pipeline for one text (what the C++ tokenizer must reproduce):
 0. Special tokens ([CLS] [SEP] [PAD] [MASK] [UNK]) occurring verbatim in the
    text are split out first and kept as single tokens (HF's added-token trie).
 1. BasicTokenizer, on each remaining piece:
    a. clean: drop NUL, U+FFFD and control chars (category C*, except \\t \\n \\r);
       map whitespace (space, \\t, \\n, \\r, category Zs) to ' '.
    b. put spaces around CJK ideographs (ranges in _is_cjk).
    c. NFC-normalize, then split on whitespace with Python's str.split()
       (note: str.split() also splits at U+2028 / U+2029, which survive a.).
    d. per word, if do_lower_case: str.lower(), then (unless strip_accents is
       False) NFD and drop category Mn; elif strip_accents: only the latter.
    e. split off every punctuation char as its own token (ASCII 33-47, 58-64,
       91-96, 123-126, and unicode category P*).
 2. WordpieceTokenizer on each word: > 100 chars -> [UNK]; otherwise greedy
    longest-match-first from the left, continuation pieces prefixed "##"; if
    any position has no match the WHOLE word becomes one [UNK].
 3. Truncate to max_length - 2 pieces, then [CLS] + pieces + [SEP];
    token_type_ids all 0, attention_mask all 1.
"""

import json
import os
import unicodedata


def _is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


_CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF),
               (0x2A700, 0x2B73F), (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF),
               (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def _is_cjk(ch):
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def load_vocab(path):
    vocab = {}
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            tok = line.rstrip("\n")
            vocab.setdefault(tok, i)  # HF: later duplicates overwrite; ours has none
    return vocab


class BertTokenizerRef:
    def __init__(self, vocab, do_lower_case=True, strip_accents=None,
                 tokenize_chinese_chars=True, max_length=512,
                 unk="[UNK]", cls="[CLS]", sep="[SEP]", pad="[PAD]", mask="[MASK]",
                 max_input_chars_per_word=100):
        self.vocab = vocab
        self.do_lower_case = do_lower_case
        self.strip_accents = strip_accents
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.max_length = max_length
        self.unk, self.cls, self.sep, self.pad, self.mask = unk, cls, sep, pad, mask
        self.specials = [cls, sep, pad, mask, unk]
        self.max_chars = max_input_chars_per_word

    @classmethod
    def from_dir(cls, model_dir, max_position_embeddings=None):
        cfg = {}
        p = os.path.join(model_dir, "tokenizer_config.json")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                cfg = json.load(f)
        max_len = cfg.get("model_max_length") or 512
        if max_len > 10 ** 9:  # HF's "VERY_LARGE_INTEGER" placeholder
            max_len = 512
        if max_position_embeddings:
            max_len = min(max_len, max_position_embeddings)
        return cls(load_vocab(os.path.join(model_dir, "vocab.txt")),
                   do_lower_case=cfg.get("do_lower_case", True),
                   strip_accents=cfg.get("strip_accents"),
                   tokenize_chinese_chars=cfg.get("tokenize_chinese_chars", True),
                   max_length=max_len)

    # ---------------------------------------------------------- basic ---
    def _clean(self, text):
        out = []
        for ch in text:
            if ord(ch) == 0 or ord(ch) == 0xFFFD or _is_control(ch):
                continue
            out.append(" " if _is_whitespace(ch) else ch)
        return "".join(out)

    def _strip_accents(self, word):
        return "".join(c for c in unicodedata.normalize("NFD", word)
                       if unicodedata.category(c) != "Mn")

    @staticmethod
    def _split_punct(word):
        pieces, cur = [], ""
        for ch in word:
            if _is_punctuation(ch):
                if cur:
                    pieces.append(cur)
                pieces.append(ch)
                cur = ""
            else:
                cur += ch
        if cur:
            pieces.append(cur)
        return pieces

    def basic_tokenize(self, text):
        text = self._clean(text)
        if self.tokenize_chinese_chars:
            text = "".join(" %s " % c if _is_cjk(c) else c for c in text)
        words = []
        for w in unicodedata.normalize("NFC", text).split():
            if w in self.specials:  # never_split
                words.append(w)
                continue
            if self.do_lower_case:
                w = w.lower()
                if self.strip_accents is not False:
                    w = self._strip_accents(w)
            elif self.strip_accents:
                w = self._strip_accents(w)
            words.extend(self._split_punct(w))
        return " ".join(words).split()

    # ------------------------------------------------------ wordpiece ---
    def wordpiece(self, word):
        if len(word) > self.max_chars:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                sub = word[start:end]
                if start > 0:
                    sub = "##" + sub
                if sub in self.vocab:
                    found = sub
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces

    # ----------------------------------------------------------- full ---
    def tokenize(self, text):
        # step 0: split out special tokens that appear verbatim
        segments = [text]
        for sp in self.specials:
            nxt = []
            for seg in segments:
                if seg in self.specials:
                    nxt.append(seg)
                    continue
                parts = seg.split(sp)
                for k, part in enumerate(parts):
                    if k:
                        nxt.append(sp)
                    nxt.append(part)
            segments = nxt
        out = []
        for seg in segments:
            if seg in self.specials:
                out.append(seg)
                continue
            for w in self.basic_tokenize(seg):
                out.extend(self.wordpiece(w))
        return out

    def encode(self, text, max_length=None):
        max_length = max_length or self.max_length
        toks = self.tokenize(text)[:max(0, max_length - 2)]
        toks = [self.cls] + toks + [self.sep]
        ids = [self.vocab[t] for t in toks]
        return {"tokens": toks, "input_ids": ids,
                "token_type_ids": [0] * len(ids), "attention_mask": [1] * len(ids)}

    def encode_batch(self, texts, max_length=None):
        """Right-pad with [PAD] to the longest sequence (HF padding=True)."""
        encs = [self.encode(t, max_length) for t in texts]
        L = max(len(e["input_ids"]) for e in encs)
        pad_id = self.vocab[self.pad]
        return {
            "input_ids": [e["input_ids"] + [pad_id] * (L - len(e["input_ids"])) for e in encs],
            "token_type_ids": [[0] * L for _ in encs],
            "attention_mask": [e["attention_mask"] + [0] * (L - len(e["input_ids"])) for e in encs],
        }
