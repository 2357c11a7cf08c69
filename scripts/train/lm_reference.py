"""Greedy continuations of the exported LM (weights read back from model.safetensors into
llama_model.py, float64), for lm_runtime_check.mjs to compare with the runtime.
   /usr/bin/python3 scripts/train/lm_reference.py <model dir> <out.json>"""

import json
import sys

import sentencepiece as spm
import torch

import common  # noqa: F401
import safetensors_io
from llama_model import Cfg, LlamaForCausalLM

PROMPTS = ["The meaning of life is", "A computer is", "I went to the", "Never trust a"]
N_NEW = 24

model_dir, out = sys.argv[1], sys.argv[2]
cfg = json.load(open(model_dir + "/config.json"))
c = Cfg(cfg["vocab_size"], cfg["hidden_size"], cfg["num_hidden_layers"],
        cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"],
        cfg["max_position_embeddings"], cfg["rope_theta"], cfg["rms_norm_eps"])
m = LlamaForCausalLM(c).double()
arrays, _, _ = safetensors_io.read_file(model_dir + "/model.safetensors")
m.load_state_dict({k: torch.from_numpy(v).double() for k, v in arrays.items()})
m.cos, m.sin = m.cos.double(), m.sin.double()
m.eval()
sp = spm.SentencePieceProcessor(model_file=model_dir + "/tokenizer.model")
cases = []
with torch.no_grad():
    for p in PROMPTS:
        ids = [sp.bos_id()] + sp.encode(p)
        n0 = len(ids)
        margins = []
        for _ in range(N_NEW):
            logits = m(torch.tensor([ids]))[0, -1]
            top2 = torch.topk(logits, 2).values
            margins.append((top2[0] - top2[1]).item())
            ids.append(int(logits.argmax()))
        cases.append({"prompt": p, "input_ids": ids[:n0], "new_ids": ids[n0:],
                      "text": sp.decode(ids[1:]), "top2_margins": margins})
json.dump({"cases": cases}, open(out, "w"), ensure_ascii=False, indent=1)
for cs in cases:
    print(json.dumps(cs["text"], ensure_ascii=False))
