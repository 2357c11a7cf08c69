"""Shared pieces of the training scripts: seeding, HF-layout export, quantization
simulation and timing.  Model definitions live in bert_model.py / llama_model.py."""

import json
import os
import random
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "../.."))
sys.path.insert(0, os.path.join(REPO, "tests/reference"))
import safetensors_io  # noqa: E402


def setup(seed):
    """Seeded, single-process CPU training.  One torch thread by default: on the shared
    2-core machine these tiny models trained 11x faster with 1 thread than with 2 (0.16 vs
    1.9 s per teacher step: OpenMP threads spin at every small op while the other core is
    busy).  PF_TRAIN_THREADS=2 on an idle machine."""
    torch.set_num_threads(int(os.environ.get("PF_TRAIN_THREADS", "1")))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def save_safetensors(path, state, dtype="F16", skip=()):
    """Write a state dict (name -> tensor) as safetensors in dtype F16 or F32."""
    tensors = {}
    for name, t in state.items():
        if name in skip:
            continue
        tensors[name] = (dtype, safetensors_io.convert(t.detach().float().cpu().numpy(), dtype))
    return safetensors_io.write_file(path, tensors)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def round_to_f16(model):
    """What a reader of the F16 file gets: every parameter rounded to half precision."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())


def quantize_linear_weights(model, bits):
    """Simulate the runtime's weight quantization in place: every nn.Linear weight is
    quantized per output channel, symmetric, scale = max|w| / qmax with qmax = 127 (int8)
    or 7 (4-bit, values clamped to [-8, 7]); w <- round(w / s) * s.  Embeddings, norms and
    biases stay in float, as in the runtime."""
    qmax, qmin = (127, -127) if bits == 8 else (7, -8)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.Linear):
                w = m.weight
                s = w.abs().amax(dim=1, keepdim=True) / qmax
                s = torch.where(s == 0, torch.ones_like(s), s)
                w.copy_(torch.clamp(torch.round(w / s), qmin, qmax) * s)


def count_params(model, exclude_prefixes=()):
    return sum(p.numel() for n, p in model.named_parameters()
               if not any(n.startswith(x) for x in exclude_prefixes))


class Timer:
    def __init__(self):
        self.t0 = time.time()

    def minutes(self):
        return (time.time() - self.t0) / 60.0


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)
