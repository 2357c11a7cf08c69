"""Build build/train-data/ from text that Debian packages ship (read in place).

Sources (installed by fetch-data.sh):
  fortunes, fortunes-min   /usr/share/games/fortunes/<file>        -> en
  fortunes-de/-it/-es/-pl/-cs/-ru  /usr/share/games/fortunes/<lang>/<file>
  ../shared/fixtures/tokenizers/sentencepiece/botchan.txt         -> en (LM only)

A fortune file is plain text whose entries are separated by lines holding only
'%' (the .dat next to it is strfile's index; we do not need it).  Most files are
UTF-8; a few old ones are not, so each file is decoded as UTF-8 and, if that
fails, with the legacy 8-bit charset of its language (latin-1, latin-2, koi8-r).

Each document (one fortune / one botchan paragraph) becomes one line with its
whitespace collapsed.  Documents are split train/valid/test = 80/10/10 with a
seeded shuffle, so no text is shared between splits.

Outputs (all under build/, which is gitignored -- never commit this text):
  langid/{train,valid,test}.tsv   "<lang>\t<text>" lines
  lm/{train,valid,test}.txt       English documents, one per line
  all-text.txt                    every training document (for tokenizer training)
"""

import argparse
import os
import random
import re
import sys

FORTUNE_ROOT = "/usr/share/games/fortunes"
LANGS = ["en", "de", "it", "es", "pl", "cs", "ru"]
LEGACY_CHARSET = {"en": "latin-1", "de": "latin-1", "it": "latin-1", "es": "latin-1",
                  "pl": "iso-8859-2", "cs": "iso-8859-2", "ru": "koi8-r"}
# ASCII-art / banner collections carry no language; Slovak is not one of our labels;
# the 'off' folders are the packages' opt-in offensive sets.
SKIP = {"en": {"art", "ascii-art"}, "de": {"asciiart"}, "it": {"banner"},
        "cs": {"klasik-sk"}}
SEED = 1234


def fortune_files(lang):
    folder = FORTUNE_ROOT if lang == "en" else os.path.join(FORTUNE_ROOT, lang)
    out = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        # symlinks: .u8 aliases, and the it/cs packages link their files into other folders
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        if name.endswith(".dat") or name.endswith(".u8") or name in SKIP.get(lang, ()):
            continue
        out.append(path)
    if not out:
        sys.exit("no fortune files for %s in %s (run scripts/train/fetch-data.sh)" % (lang, folder))
    return out


def decode(raw, lang):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode(LEGACY_CHARSET[lang])


def clean(doc):
    doc = doc.replace("\x08", "")  # overstrike sequences (_\bX) in old files
    doc = re.sub(r"\x1b\[[0-9;]*m", "", doc)
    return " ".join(doc.split())


def is_prose(doc):
    letters = sum(ch.isalpha() for ch in doc)
    return len(doc) >= 20 and letters >= 0.6 * len(doc.replace(" ", ""))


def read_fortunes(lang):
    docs = []
    for path in fortune_files(lang):
        with open(path, "rb") as f:
            text = decode(f.read(), lang).replace("\r\n", "\n")
        for chunk in re.split(r"^%[ \t]*$", text, flags=re.M):
            doc = clean(chunk)
            if is_prose(doc):
                docs.append(doc)
    return sorted(set(docs))  # some files repeat entries


def read_botchan(path):
    # one sentence per line, no blank lines: documents are runs of 8 lines
    with open(path, encoding="utf-8-sig") as f:
        lines = [l for l in f.read().split("\n") if l.strip()]
    paras = [" ".join(lines[i:i + 8]) for i in range(0, len(lines), 8)]
    return [d for d in (clean(p) for p in paras) if is_prose(d)]


def split(docs, rng):
    docs = list(docs)
    rng.shuffle(docs)
    n = len(docs)
    a, b = int(n * 0.8), int(n * 0.9)
    return {"train": docs[:a], "valid": docs[a:b], "test": docs[b:]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="build/train-data")
    ap.add_argument("--botchan", default=os.path.join(
        os.path.dirname(__file__), "../../../shared/fixtures/tokenizers/sentencepiece/botchan.txt"))
    args = ap.parse_args()
    rng = random.Random(SEED)
    os.makedirs(os.path.join(args.out, "langid"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "lm"), exist_ok=True)

    langid = {s: [] for s in ("train", "valid", "test")}
    lm = {s: [] for s in ("train", "valid", "test")}
    for lang in LANGS:
        parts = split(read_fortunes(lang), rng)
        for s, docs in parts.items():
            langid[s] += [(lang, d) for d in docs]
            if lang == "en":
                lm[s] += docs
        print("%s: %s" % (lang, {s: len(d) for s, d in parts.items()}))
    if os.path.exists(args.botchan):
        parts = split(read_botchan(args.botchan), rng)
        for s, docs in parts.items():
            lm[s] += docs
        print("botchan: %s" % {s: len(d) for s, d in parts.items()})
    else:
        print("botchan.txt not found at %s: LM uses fortunes only" % args.botchan)

    for s in langid:
        rng.shuffle(langid[s])
        with open(os.path.join(args.out, "langid", s + ".tsv"), "w", encoding="utf-8") as f:
            f.writelines("%s\t%s\n" % (l, d) for l, d in langid[s])
        rng.shuffle(lm[s])
        with open(os.path.join(args.out, "lm", s + ".txt"), "w", encoding="utf-8") as f:
            f.writelines(d + "\n" for d in lm[s])
    with open(os.path.join(args.out, "all-text.txt"), "w", encoding="utf-8") as f:
        f.writelines(d + "\n" for _, d in langid["train"])
    print("lm: %s" % {s: len(d) for s, d in lm.items()})


if __name__ == "__main__":
    main()
