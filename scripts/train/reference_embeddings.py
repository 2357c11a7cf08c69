"""Fidelity check of an exported encoder folder, and expected embeddings for the runtime.

1. Loads the folder with tests/reference/bert_reference.py (the repo's independent float64
   BERT) and runs the first N test sentences, tokenized by tests/reference/bert_tokenizer.py.
2. Loads the same folder into our training model (bert_model.py) and checks its hidden
   states and language-ID logits agree with the reference (max abs diff printed; fails over
   1e-4), so the numbers in the model card are the numbers of the exported file.
3. Writes {"texts", "mean_pooled_normalized"} JSON, which runtime_speed.mjs compares with
   the runtime's output.
   /usr/bin/python3 scripts/train/reference_embeddings.py <model dir> <test.tsv> <n> <out.json>
"""

import json
import sys

import torch

import common
from bert_model import load_hf_folder
import bert_reference as ref
import safetensors_io
from bert_tokenizer import BertTokenizerRef

model_dir, tsv, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
texts = [l.rstrip("\n").split("\t", 1)[1][:200] for l in open(tsv, encoding="utf-8")][:n]
tok = BertTokenizerRef.from_dir(model_dir, 128)
cfg, P, _, _ = ref.load_model(model_dir)
P64 = ref.to_torch(P, torch.float64)

# per-layer head counts / FFN widths of a pruned folder come from pruned_heads and the shapes
ours, _ = load_hf_folder(model_dir, len(cfg["id2label"]))
ours = ours.double()
arrays, _, _ = safetensors_io.read_file(model_dir + "/model.safetensors")
ours.load_state_dict({k: torch.from_numpy(v).double() for k, v in arrays.items()
                      if k != "cls.predictions.decoder.bias"})  # f64 copies of the exact values
ours.eval()

embs, max_h, max_l = [], 0.0, 0.0
with torch.no_grad():
    for t in texts:
        e = tok.encode(t)
        ids = torch.tensor([e["input_ids"]])
        mask = torch.tensor([e["attention_mask"]])
        h, pooled = ref.bert_forward(P64, cfg, ids, mask)
        mine = ours.hidden_states(ids, mask)
        max_h = max(max_h, (h - mine).abs().max().item())
        ref_logits = pooled @ torch.from_numpy(arrays["classifier.weight"]).double().t() + \
            torch.from_numpy(arrays["classifier.bias"]).double()
        max_l = max(max_l, (ref_logits - ours.classify(mine)).abs().max().item())
        embs.append(ref.l2_normalize(ref.mean_pool(h, mask))[0].tolist())
print("ours vs tests/reference/bert_reference.py on %d sentences: hidden max|diff| %.2e, "
      "language-ID logits max|diff| %.2e" % (len(texts), max_h, max_l))
if max_h > 1e-4 or max_l > 1e-4:
    sys.exit("MISMATCH between the training model and the reference BERT")
with open(out, "w") as f:
    json.dump({"texts": texts, "mean_pooled_normalized": embs}, f)
