#!/usr/bin/env bash
# LM pipeline: SentencePiece BPE -> teacher -> distilled student -> eval + export.
set -euo pipefail
cd "$(dirname "$0")"
/usr/bin/python3 spm_tokenizer.py --input ../../build/train-data/lm/train.txt \
  --prefix ../../build/work/lm-spm --vocab-size 2048
for stage in teacher student export; do
  /usr/bin/python3 train_lm.py --stage $stage \
    --data ../../build/train-data --work ../../build/work --out ../../demo/models
done
