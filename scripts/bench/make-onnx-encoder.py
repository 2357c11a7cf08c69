#!/usr/bin/python3
"""Seeded random BERT in HF layout + the same weights as ONNX, for the encoder
benchmark (scripts/bench/browser/encoder.bench.mjs: pocketformer vs
onnxruntime-web).

    /usr/bin/python3 scripts/bench/make-onnx-encoder.py [--out build/bench/encoder] [--only minilm|bert-base] [--force]

For each shape, OUT/NAME/ receives:
  config.json, model.safetensors, vocab.txt ...  tests/reference/make_tiny_bert.py
  model.onnx        torch.onnx export of tests/reference/bert_reference.py's
                    bert_forward (independent PyTorch BERT) loaded with those
                    weights; inputs input_ids, attention_mask, token_type_ids
                    (int64 [batch, seq], dynamic), output last_hidden_state
  model_int8.onnx   model.onnx rewritten the way onnxruntime's
                    quantize_dynamic(weight_type=QuantType.QInt8) does it
                    (python3-onnxruntime is not packaged for Debian 12, so the
                    rewrite is done here; see quantize_dynamic_int8)
  check.json        a fixed input and the reference's float64 output, so
                    scripts/bench/check-onnx-encoder.mjs can print the ONNX
                    graphs' max abs error under onnxruntime-web
Same arguments -> same weights (the seed is fixed per shape).
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

sys.dont_write_bytecode = True
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
sys.path.insert(0, os.path.join(ROOT, "tests/reference"))
import bert_reference  # noqa: E402

SHAPES = {
    # MiniLM-L6 (all-MiniLM-L6-v2's shape); same args as scripts/bench-embed.mjs.
    "minilm": dict(seed=7, hidden=384, layers=6, heads=12, intermediate=1536),
    "bert-base": dict(seed=8, hidden=768, layers=12, heads=12, intermediate=3072),
}


class RefBert(torch.nn.Module):
    """bert_reference.bert_forward with the weights as float32 parameters."""

    def __init__(self, cfg, params):
        super().__init__()
        self.cfg = cfg
        self.names = sorted(n for n in params if not n.startswith("pooler."))
        for i, n in enumerate(self.names):
            self.register_parameter("p%d" % i, torch.nn.Parameter(
                torch.from_numpy(params[n]).to(torch.float32), requires_grad=False))

    def forward(self, input_ids, attention_mask, token_type_ids):
        P = {n: getattr(self, "p%d" % i) for i, n in enumerate(self.names)}
        hidden, _ = bert_reference.bert_forward(P, self.cfg, input_ids, attention_mask, token_type_ids)
        return hidden


def make_hf(out, shape):
    if os.path.exists(os.path.join(out, "model.safetensors")):
        return
    s = SHAPES[shape]
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests/reference/make_tiny_bert.py"),
                    "--out", out, "--seed", str(s["seed"]), "--hidden", str(s["hidden"]),
                    "--layers", str(s["layers"]), "--heads", str(s["heads"]),
                    "--intermediate", str(s["intermediate"]), "--vocab-size", "30522",
                    "--max-pos", "512"], check=True)


def export_onnx(out):
    cfg, params, _, _ = bert_reference.load_model(out)
    model = RefBert(cfg, params).eval()
    ids = torch.tensor([[2] + [10 + (37 * i) % 900 for i in range(14)] + [3]] * 2, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 12:] = 0  # one padded row, so the mask path is exercised
    tt = torch.zeros_like(ids)
    axes = {0: "batch", 1: "sequence"}
    path = os.path.join(out, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask, tt), path, opset_version=14, do_constant_folding=True,
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                        "token_type_ids": axes, "last_hidden_state": {0: "batch", 1: "sequence"}})
        # float64 reference on the same input: what the ONNX graphs are checked against.
        P64 = {n: torch.from_numpy(v) for n, v in params.items()}
        ref, _ = bert_reference.bert_forward(P64, cfg, ids, mask, tt)
        f32 = model(ids, mask, tt).double()
    print("%s: torch float32 module vs float64 reference: max abs err %.3g"
          % (out, (f32 - ref).abs().max().item()))
    with open(os.path.join(out, "check.json"), "w") as f:
        json.dump({"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "token_type_ids": tt.tolist(),
                   "dims": list(ref.shape), "last_hidden_state": ref.flatten().tolist()}, f)
    return path


def quantize_dynamic_int8(src, dst):
    """What onnxruntime.quantization.quantize_dynamic(src, dst,
    weight_type=QuantType.QInt8) emits for MatMul (defaults: per_channel
    False, reduce_range False, MatMulConstBOnly True for dynamic mode):
    every MatMul whose B is an initializer becomes
        Aq, As, Azp = DynamicQuantizeLinear(A)          (uint8, once per A)
        Y32 = MatMulInteger(Aq, Bq, Azp, Bzp)           Bq int8 symmetric per tensor,
        Y = Mul(Cast<float>(Y32), Mul(As, Bs))          Bs = max|B| / 127, Bzp = 0
    ORT's graph optimizer then fuses this into MatMulIntegerToFloat.
    Not done here: quantize_dynamic also stores Gather tables (the embeddings)
    as int8 + DequantizeLinear; that changes a lookup, not the matmul work
    being compared, so the embeddings stay float32."""
    model = onnx.load(src)
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    new_nodes, new_inits, quantized_act = [], [], {}
    for node in g.node:
        if node.op_type != "MatMul" or node.input[1] not in inits:
            new_nodes.append(node)
            continue
        a, b = node.input
        w = numpy_helper.to_array(inits[b]).astype(np.float32)
        absmax = max(float(np.abs(w).max()), 1e-12)  # quantize_dynamic widens [min, max] to include 0
        scale = np.float32(absmax / 127.0)
        wq = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
        new_inits += [numpy_helper.from_array(wq, b + "_quantized"),
                      numpy_helper.from_array(np.array(scale, np.float32), b + "_scale"),
                      numpy_helper.from_array(np.array(0, np.int8), b + "_zero_point")]
        if a not in quantized_act:
            quantized_act[a] = (a + "_quantized", a + "_scale", a + "_zero_point")
            new_nodes.append(helper.make_node("DynamicQuantizeLinear", [a], list(quantized_act[a]),
                                              name=a + "_QuantizeLinear"))
        aq, a_scale, a_zp = quantized_act[a]
        y, n = node.output[0], node.name or y
        new_nodes += [
            helper.make_node("MatMulInteger", [aq, b + "_quantized", a_zp, b + "_zero_point"],
                             [y + "_output_quantized"], name=n + "_quant"),
            helper.make_node("Cast", [y + "_output_quantized"], [y + "_output_quantized_cast_output"],
                             to=TensorProto.FLOAT, name=n + "_quant_output_quantized_cast"),
            helper.make_node("Mul", [a_scale, b + "_scale"], [n + "_quant_scales_mul:0"],
                             name=n + "_quant_scales_mul"),
            helper.make_node("Mul", [y + "_output_quantized_cast_output", n + "_quant_scales_mul:0"], [y],
                             name=n + "_quant_output_scale_mul"),
        ]
        del inits[b]
    del g.node[:]
    g.node.extend(new_nodes)
    kept = [t for t in g.initializer if t.name in inits]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    count = sum(1 for nd in new_nodes if nd.op_type == "MatMulInteger")
    print("%s: %d MatMuls -> MatMulInteger (%d DynamicQuantizeLinear)" % (dst, count, len(quantized_act)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "build/bench/encoder"))
    ap.add_argument("--only", choices=sorted(SHAPES))
    ap.add_argument("--force", action="store_true", help="redo shapes whose model_int8.onnx exists")
    a = ap.parse_args()
    torch.manual_seed(0)
    for shape in [a.only] if a.only else SHAPES:
        out = os.path.join(a.out, shape)
        if not a.force and os.path.exists(os.path.join(out, "model_int8.onnx")):
            print("%s: up to date (--force redoes it)" % out)
            continue
        make_hf(out, shape)
        src = export_onnx(out)
        quantize_dynamic_int8(src, os.path.join(out, "model_int8.onnx"))


if __name__ == "__main__":
    main()
