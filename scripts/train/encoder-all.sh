#!/usr/bin/env bash
# Encoder pipeline: teacher -> distilled student -> FFN-pruned student -> eval + export.
set -euo pipefail
cd "$(dirname "$0")"
for stage in teacher teacher-cls student prune export; do
  nice -n 10 /usr/bin/python3 train_encoder.py --stage $stage \
    --data ../../build/train-data --work ../../build/work --vocab ../../build/work/vocab.txt \
    --out ../../demo/models
done
