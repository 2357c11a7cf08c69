#!/usr/bin/env python3
"""Independent check of a GGUF written by `pocketformer convert` from a
llama2.c checkpoint: parses the GGUF with its own reader (not ours), checks
the layout (magic, version 3, 32-byte alignment, tensor names and ggml-order
shapes), and compares every tensor's stored bytes with the llama2.c weights
read with numpy and encoded here: F32 as is, F16 by numpy's round-to-even
cast, Q8_0 / Q4_0 by numpy ports of ggml's quantize_row_q8_0_ref /
quantize_row_q4_0_ref (scale from the unrounded f32 d, roundf for Q8_0,
truncation of x*id + 8.5 for Q4_0).

usage: check_converted_gguf.py model.gguf checkpoint.bin
Prints one line per tensor type and exits non-zero on the first mismatch.
"""
import struct
import sys

import numpy as np

F32, F16, Q4_0, Q8_0 = 0, 1, 2, 8


class Reader:
    def __init__(self, data):
        self.d, self.p = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.d, self.p)
        self.p += struct.calcsize(fmt)
        return v[0] if len(v) == 1 else v

    def string(self):
        n = self.take("<Q")
        s = self.d[self.p:self.p + n].decode("utf-8")
        self.p += n
        return s

    SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
               10: "<Q", 11: "<q", 12: "<d"}

    def value(self, t):
        if t == 8:
            return self.string()
        if t == 9:
            et, n = self.take("<I"), self.take("<Q")
            return [self.value(et) for _ in range(n)]
        return self.take(self.SCALARS[t])


def parse_gguf(data):
    r = Reader(data)
    assert data[:4] == b"GGUF", "bad magic"
    r.p = 4
    version, n_tensors, n_kv = r.take("<I"), r.take("<Q"), r.take("<Q")
    assert version == 3, version
    kv = {}
    for _ in range(n_kv):
        k = r.string()
        kv[k] = r.value(r.take("<I"))
    infos = []
    for _ in range(n_tensors):
        name = r.string()
        nd = r.take("<I")
        ne = [r.take("<Q") for _ in range(nd)]
        infos.append((name, ne, r.take("<I"), r.take("<Q")))
    align = kv.get("general.alignment", 32)
    start = (r.p + align - 1) // align * align
    return kv, infos, start


def f16(x):
    return np.asarray(x, dtype=np.float32).astype(np.float16)


def ggml_q8_0(x):
    b = x.reshape(-1, 32).astype(np.float32)
    d = (np.abs(b).max(axis=1) / np.float32(127)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d != 0, np.float32(1) / np.where(d != 0, d, 1), 0).astype(np.float32)
    v = (b * inv[:, None]).astype(np.float32)
    q = (np.sign(v) * np.floor(np.abs(v) + np.float32(0.5))).astype(np.int8)  # C roundf
    out = np.zeros((b.shape[0], 34), np.uint8)
    out[:, :2] = f16(d).view(np.uint8).reshape(-1, 2)
    out[:, 2:] = q.view(np.uint8)
    return out.tobytes()


def ggml_q4_0(x):
    b = x.reshape(-1, 32).astype(np.float32)
    idx = np.argmax(np.abs(b), axis=1)  # first of equal magnitudes, as ggml's strict <
    mx = b[np.arange(b.shape[0]), idx]
    d = (mx / np.float32(-8)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d != 0, np.float32(1) / np.where(d != 0, d, 1), 0).astype(np.float32)
    v = (b * inv[:, None] + np.float32(8.5)).astype(np.float32)
    q = np.minimum(15, np.trunc(v).astype(np.int32)).astype(np.uint8)
    out = np.zeros((b.shape[0], 18), np.uint8)
    out[:, :2] = f16(d).view(np.uint8).reshape(-1, 2)
    out[:, 2:] = q[:, :16] | (q[:, 16:] << 4)
    return out.tobytes()


def llama2c_tensors(path):
    raw = open(path, "rb").read()
    dim, hidden, layers, heads, kv_heads, vocab, seq = struct.unpack_from("<7i", raw, 0)
    shared = vocab > 0
    vocab = abs(vocab)
    hd = dim // heads
    kv = kv_heads * hd
    w = np.frombuffer(raw, dtype="<f4", offset=28)
    pos = 0

    def take(*shape):
        nonlocal pos
        n = int(np.prod(shape))
        a = w[pos:pos + n].reshape(shape)
        pos += n
        return a
    t = {"token_embd.weight": take(vocab, dim)}
    groups = [("attn_norm", (dim,)), ("attn_q", (dim, dim)), ("attn_k", (kv, dim)),
              ("attn_v", (kv, dim)), ("attn_output", (dim, dim)), ("ffn_norm", (dim,)),
              ("ffn_gate", (hidden, dim)), ("ffn_down", (dim, hidden)), ("ffn_up", (hidden, dim))]
    for name, shape in groups:
        a = take(layers, *shape)
        for l in range(layers):
            t["blk.%d.%s.weight" % (l, name)] = a[l]
    t["output_norm.weight"] = take(dim)
    take(seq * hd // 2)
    take(seq * hd // 2)
    if not shared:
        t["output.weight"] = take(vocab, dim)
    return t


def main():
    gguf_path, ckpt_path = sys.argv[1], sys.argv[2]
    data = open(gguf_path, "rb").read()
    kv, infos, start = parse_gguf(data)
    assert kv["general.architecture"] == "llama"
    want = llama2c_tensors(ckpt_path)
    assert sorted(n for n, *_ in infos) == sorted(want), "tensor names differ"
    counts = {}
    for name, ne, t, off in infos:
        assert off % 32 == 0, name + " offset not aligned"
        x = np.ascontiguousarray(want[name], dtype=np.float32)
        assert ne == list(reversed(x.shape)), "%s: ne %s for shape %s" % (name, ne, x.shape)
        if t == F32:
            exp = x.tobytes()
        elif t == F16:
            exp = f16(x).tobytes()
        elif t == Q8_0:
            exp = ggml_q8_0(x.ravel())
        elif t == Q4_0:
            exp = ggml_q4_0(x.ravel())
        else:
            sys.exit("%s: unexpected ggml type %d" % (name, t))
        got = data[start + off:start + off + len(exp)]
        if got != exp:
            bad = next(i for i in range(len(exp)) if got[i] != exp[i])
            sys.exit("%s (type %d): byte %d differs: got %d want %d" % (name, t, bad, got[bad], exp[bad]))
        counts[t] = counts.get(t, 0) + 1
    names = {F32: "F32", F16: "F16", Q8_0: "Q8_0", Q4_0: "Q4_0"}
    print("python check: %d tensors byte-identical (%s); %d metadata keys" % (
        len(infos), ", ".join("%s %d" % (names[t], n) for t, n in sorted(counts.items())), len(kv)))


if __name__ == "__main__":
    main()
