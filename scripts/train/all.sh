#!/usr/bin/env bash
# Reproduces the demo's self-trained default models (see scripts/train/README.md):
# data -> WordPiece vocab -> encoder teacher/student/pruned -> SentencePiece + LM
# teacher/student -> tokenizer.json check -> runtime speed -> model cards.
# Everything under build/ (gitignored); final artifacts in demo/models/.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/train/fetch-data.sh
# Debian's python3-torch links the reference BLAS (~6 GFLOPS); OpenBLAS makes training
# ~8x faster.  It is unpacked privately under build/ (not installed system-wide).
OB=build/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -e "$OB/libblas.so.3" ]; then
  mkdir -p build/openblas
  (cd build/openblas && apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb root)
fi
export LD_LIBRARY_PATH="$PWD/$OB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=1
# The pruning stage runs the project's own converter (`pocketformer prune`), and the LM is
# exported to GGUF with `pocketformer convert`.
if [ ! -x build/native/pocketformer ]; then
  echo "build/native/pocketformer is missing: run 'JOBS=2 bash scripts/build.sh native' first" >&2
  exit 1
fi
mkdir -p build/work
/usr/bin/python3 scripts/train/wordpiece_train.py --input build/train-data/all-text.txt \
  --out build/work/vocab.txt --vocab-size 6000
bash scripts/train/encoder-all.sh
bash scripts/train/lm-all.sh
/usr/bin/python3 scripts/train/check_tokenizer_json.py demo/models/tiny-lm-student build/train-data
# GGUF (q8) exports, committed beside the HF files, each with the converter's accuracy
# report on held-out documents (the LM: perplexity; the encoders: language-ID argmax).
head -n 64 build/train-data/lm/test.txt > build/work/lm-gguf-samples.txt
build/native/pocketformer convert demo/models/tiny-lm-student -o demo/models/tiny-lm-student/model-q8.gguf \
  --dtype q8 --samples build/work/lm-gguf-samples.txt --report build/work/lm-gguf-report.json
cut -f2 build/train-data/langid/test.tsv | head -n 500 > build/work/langid-gguf-samples.txt
for m in lang-id-student lang-id-pruned; do
  build/native/pocketformer convert demo/models/$m -o demo/models/$m/model-q8.gguf \
    --dtype q8 --samples build/work/langid-gguf-samples.txt --report build/work/$m-gguf-report.json
done
(cd scripts/train && /usr/bin/python3 lm_reference.py ../../demo/models/tiny-lm-student \
  ../../build/work/tiny-lm-student-reference.json)
# the exported encoders against the float64 reference, then in our runtime (needs dist/:
# `bash scripts/build.sh wasm`, or a copy of a built dist/)
for m in lang-id-student lang-id-pruned; do
  (cd scripts/train && /usr/bin/python3 reference_embeddings.py ../../demo/models/$m \
    ../../build/train-data/langid/test.tsv 50 ../../build/work/$m-reference.json)
done
rm -f build/work/runtime-accuracy.json build/work/lm-runtime.jsonl
if [ -e dist/pocketformer-simd-mt.wasm ]; then
  /usr/bin/python3 - <<'PY'
import json, subprocess
out = {}
for m in ("lang-id-student", "lang-id-pruned"):
    res = subprocess.run(["node", "scripts/train/runtime_speed.mjs", "demo/models/" + m,
                          "build/work/%s-reference.json" % m], check=True, capture_output=True, text=True)
    out[m] = [json.loads(l) for l in res.stdout.splitlines() if l.startswith("{")]
json.dump(out, open("build/work/runtime-speed.json", "w"), indent=1)
print(json.dumps(out))
PY
  # the LM: greedy tokens vs the float64 reference, and decode speed, per dtype
  node scripts/train/lm_runtime_check.mjs demo/models/tiny-lm-student \
    build/work/tiny-lm-student-reference.json | grep '^{' > build/work/lm-runtime.jsonl
  # language ID per runtime dtype (f32 / int8 / q4) on 2000 held-out documents
  node scripts/train/runtime_accuracy.mjs build/train-data/langid/test.tsv 2000 \
    build/work/runtime-accuracy.json demo/models/lang-id-student demo/models/lang-id-pruned
fi
# without dist/: the same language-ID measurement through the native build's test
if [ ! -e build/work/runtime-accuracy.json ] && [ -x build/native/pf_tests ]; then
  # the held-out split where the test reads it (what scripts/make-testdata.sh writes)
  [ -f build/testdata/fortunes/langid/test.tsv ] || \
    /usr/bin/python3 scripts/train/prepare_data.py --out build/testdata/fortunes > /dev/null
  /usr/bin/python3 scripts/train/native_accuracy.py build/native/pf_tests build/work/runtime-accuracy.json
fi
/usr/bin/python3 scripts/train/make_cards.py build/work demo/models
