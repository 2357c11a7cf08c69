"""Runs the native agreement test (build/native/pf_tests "[langid]", which loads the bundled
language-ID models with f32 / int8 / 4-bit weights and classifies held-out documents) and
turns its printed measurements into build/work/runtime-accuracy.json for make_cards.py --
the in-runtime numbers where no wasm build (dist/) is at hand.
   /usr/bin/python3 scripts/train/native_accuracy.py <pf_tests> <out.json>"""

import json
import re
import subprocess
import sys

pf_tests, out = sys.argv[1], sys.argv[2]
run = subprocess.run([pf_tests, "[langid]"], capture_output=True, text=True)
print(run.stdout[-2000:])
pat = re.compile(r"^(\S+) on (\d+) held-out documents: f32 accuracy ([\d.]+), int8 accuracy ([\d.]+) "
                 r"agreement ([\d.]+), 4-bit accuracy ([\d.]+) agreement ([\d.]+)$")
result = {}
for line in run.stdout.splitlines():
    m = pat.match(line)
    if m:
        name, n, f32, a8, g8, a4, g4 = m.groups()
        result[name] = {"documents": int(n), "runtime": "native build (pf_tests [langid])", "dtypes": [
            {"dtype": "f32", "accuracy": float(f32), "agreement_with_f32": 1.0},
            {"dtype": "int8", "accuracy": float(a8), "agreement_with_f32": float(g8)},
            {"dtype": "q4", "accuracy": float(a4), "agreement_with_f32": float(g4)}]}
if run.returncode != 0 or len(result) != 2:
    sys.exit("pf_tests [langid] failed or printed no measurements (exit %d)" % run.returncode)
with open(out, "w") as f:
    json.dump(result, f, indent=1)
