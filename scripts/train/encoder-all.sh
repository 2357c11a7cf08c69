#!/usr/bin/env bash
# Encoder pipeline: teacher -> distilled student -> heads + FFN pruned student (by
# `pocketformer prune`, so build/native/pocketformer must exist) -> eval + export.
# Step counts: train_encoder.py's defaults (see scripts/train/README.md for their wall time).
set -euo pipefail
cd "$(dirname "$0")"
for stage in teacher student prune export; do
  /usr/bin/python3 train_encoder.py --stage $stage \
    --data ../../build/train-data --work ../../build/work --vocab ../../build/work/vocab.txt \
    --out ../../demo/models
done
