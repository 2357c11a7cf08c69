"""Writes "<text>\t<sentencepiece ids>\t<sentencepiece decode>" cases (held-out LM text, the other languages'
text for byte fallback, and edge cases) and runs check_tokenizer_json.mjs on a model
folder."""

import os
import subprocess
import sys

import sentencepiece as spm

model_dir, data_dir = sys.argv[1], sys.argv[2]
sp = spm.SentencePieceProcessor(model_file=os.path.join(model_dir, "tokenizer.model"))
# (no "<s>" in the cases: tokenizer.json matches added tokens in text, sentencepiece does not)
texts = ["", " ", "  two  spaces ", "Hello world", "naïve café 2024 ☃ 日本語 😀",
         "tab\tand\nnewline", "ÿ\u00a0x"]
with open(os.path.join(data_dir, "lm/test.txt"), encoding="utf-8") as f:
    texts += [l.rstrip("\n") for l in f][:1500]
with open(os.path.join(data_dir, "langid/test.tsv"), encoding="utf-8") as f:
    texts += [l.rstrip("\n").split("\t", 1)[1] for l in f][:500]
texts = [t.replace("\t", " ").replace("\n", " ") for t in texts]
cases = os.path.join(data_dir, "tokenizer-json-cases.tsv")
with open(cases, "w", encoding="utf-8") as f:
    for t in texts:
        ids = sp.encode(t)
        f.write("%s\t%s\t%s\n" % (t, " ".join(map(str, ids)), sp.decode(ids)))
here = os.path.dirname(os.path.abspath(__file__))
sys.exit(subprocess.call(["node", os.path.join(here, "check_tokenizer_json.mjs"),
                          model_dir, cases]))
