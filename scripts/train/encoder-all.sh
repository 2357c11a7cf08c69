#!/usr/bin/env bash
# Encoder pipeline: teacher -> distilled student -> heads + FFN pruned student (by
# `pocketformer prune`, so build/native/pocketformer must exist) -> eval + export.
# Step counts: ~10 min (teacher), ~6 min (student), ~2 min (pruning) on 2 shared cores.
set -euo pipefail
cd "$(dirname "$0")"
STEPS=(--mlm-steps 1500 --ft-steps 1000 --kd-steps 2000 --prune-steps 500)
for stage in teacher student prune export; do
  /usr/bin/python3 train_encoder.py --stage $stage "${STEPS[@]}" \
    --data ../../build/train-data --work ../../build/work --vocab ../../build/work/vocab.txt \
    --out ../../demo/models
done
