#!/usr/bin/env python3
"""Writes the GGUF test files (numpy only):

    make_gguf_testdata.py --out DIR

DIR/all-types.gguf   v3, metadata of every value type, tensors of every ggml
                     type we decode: "rtn.<T>" (round-to-nearest quantized
                     normal data) and "raw.<T>" (random block bytes).
DIR/expected.gguf    the same tensor names as F32: the dequantized values
                     computed by gguf_io.dequantize (independent of the C++).
DIR/aligned-64-v2.gguf  a v2 file with general.alignment = 64.
DIR/bad/*.gguf       hostile files; DIR/bad/manifest.tsv lists
                     name \t expected error code \t message substring.
"""

import argparse
import os

import numpy as np

import gguf_io as g

QUANT_TYPES = [g.Q4_0, g.Q4_1, g.Q5_0, g.Q5_1, g.Q8_0, g.Q2_K, g.Q3_K, g.Q4_K, g.Q5_K, g.Q6_K, g.Q8_K]
FLOAT_TYPES = [g.F32, g.F16, g.BF16]

ALL_TYPES_KVS = [
    ("general.architecture", g.STRING, "pf-test"),
    ("test.u8", g.U8, 200),
    ("test.i8", g.I8, -100),
    ("test.u16", g.U16, 60000),
    ("test.i16", g.I16, -30000),
    ("test.u32", g.U32, 4000000000),
    ("test.i32", g.I32, -2000000000),
    ("test.f32", g.F32V, 1.5),
    ("test.bool", g.BOOL, 1),
    ("test.bool2", g.BOOL, 2),  # ggml reads any non-zero byte as true
    ("test.string", g.STRING, "h\u00e9llo w\u00f6rld"),
    ("test.u64", g.U64, 2**63 + 5),
    ("test.i64", g.I64, -2**62),
    ("test.f64", g.F64V, 0.1),
    ("test.arr.u8", g.ARRAY, (g.U8, [1, 2, 255])),
    ("test.arr.i16", g.ARRAY, (g.I16, [-5, 7])),
    ("test.arr.i32", g.ARRAY, (g.I32, [-1, 0, 2147483647])),
    ("test.arr.u64", g.ARRAY, (g.U64, [2**40])),
    ("test.arr.f32", g.ARRAY, (g.F32V, [0.5, -2.25])),
    ("test.arr.bool", g.ARRAY, (g.BOOL, [1, 0])),
    ("test.arr.string", g.ARRAY, (g.STRING, ["a", "", "\u00fc"])),
    ("test.arr.empty", g.ARRAY, (g.STRING, [])),
]


def all_types(rng):
    tensors = []
    for t in FLOAT_TYPES:
        x = rng.normal(0, 1, (3, 2, 6)).astype(np.float32)
        tensors.append(dict(name="rtn." + g.TYPE_NAMES[t], type=t, ne=[6, 2, 3], data=g.quantize(t, x)))
    for t in QUANT_TYPES:
        x = (rng.normal(0, 1, (3, 512)) * rng.uniform(0.01, 3, (3, 1))).astype(np.float32)
        tensors.append(dict(name="rtn." + g.TYPE_NAMES[t], type=t, ne=[512, 3], data=g.quantize(t, x)))
        qk, _ = g.BLOCK[t]
        tensors.append(dict(name="raw." + g.TYPE_NAMES[t], type=t, ne=[512, 2],
                            data=g.random_blocks(t, 2 * 512 // qk, rng)))
    x = rng.normal(0, 1, 12).astype(np.float32)
    tensors.append(dict(name="dims4.F32", type=g.F32, ne=[2, 3, 1, 2], data=g.quantize(g.F32, x)))
    tensors.append(dict(name="empty.F32", type=g.F32, ne=[0, 4], data=b""))
    expected = []
    for t in tensors:
        values = g.dequantize(t["type"], t["data"])
        assert values.size == int(np.prod(t["ne"])), t["name"]
        expected.append(dict(name=t["name"], type=g.F32, ne=t["ne"], data=values.astype("<f4").tobytes()))
    return tensors, expected


def bad_cases():
    """(name, bytes, code, substring) for each hostile file."""
    q8 = g.quantize(g.Q8_0, np.linspace(-1, 1, 32))
    f32 = g.quantize(g.F32, np.arange(8))
    kvs = [("general.architecture", g.STRING, "llama"),
           ("llama.block_count", g.U32, 2),
           ("tokenizer.ggml.tokens", g.ARRAY, (g.STRING, ["<s>", "a"]))]

    def tensors(**over):
        a = dict(name="a", type=g.F32, ne=[4, 2], data=f32)
        b = dict(name="b", type=g.Q8_0, ne=[32, 1], data=q8)
        a.update(over.get("a", {}))
        b.update(over.get("b", {}))
        return [a, b]

    good, marks = g.encode_gguf(kvs, tensors())
    cases = []
    corrupt, unsupported = "CORRUPT_MODEL", "UNSUPPORTED"
    # Cut at every section boundary (and just inside each section).
    for mark in ["version", "tensor_count", "kv_count", "kv0", "kv1", "kv2", "tinfo0", "tinfo1",
                 "header_end", "data", "tdata1"]:
        for delta, tag in [(0, ""), (3, "+3")]:
            cut = marks[mark] + delta
            expect = "out of bounds" if mark in ("data", "tdata1") else "truncated"
            if mark == "header_end" and delta:
                expect = "truncated: the data section"
            cases.append(("trunc-%s%s" % (mark, tag), good[:cut], corrupt, expect))
    cases.append(("trunc-last-byte", good[:-1], corrupt, "out of bounds"))
    cases.append(("bad-magic", b"GGUG" + good[4:], corrupt, "bad magic"))
    cases.append(("version-1", good[:4] + (1).to_bytes(4, "little") + good[8:], unsupported, "version 1"))
    cases.append(("big-endian", good[:4] + (3).to_bytes(4, "big") + good[8:], unsupported, "big-endian"))

    def patch_u64(data, pos, value):
        return data[:pos] + (value & (2**64 - 1)).to_bytes(8, "little") + data[pos + 8:]

    cases.append(("huge-tensor-count", patch_u64(good, marks["tensor_count"], 10**18), corrupt, "10000000000"
                  "00000000 tensors"))
    cases.append(("huge-kv-count", patch_u64(good, marks["kv_count"], 2**64 - 1), corrupt, "metadata entries"))
    cases.append(("key-length-past-end", patch_u64(good, marks["kv0"], 2**40), corrupt, "runs past the end"))
    arr_len_pos = marks["kv2"] + 8 + len("tokenizer.ggml.tokens") + 4 + 4
    cases.append(("array-length-huge", patch_u64(good, arr_len_pos, 10**15), corrupt, "claims 1000000000000000 strings"))
    str_len_pos = arr_len_pos + 8
    cases.append(("array-string-past-end", patch_u64(good, str_len_pos, 10**6), corrupt, "runs past the end"))

    def build(kv_list=kvs, ts=None, **kw):
        return g.encode_gguf(kv_list, ts if ts is not None else tensors(), **kw)[0]

    cases.append(("unaligned-offset", build(ts=tensors(b=dict(offset=36))), corrupt, "not aligned"))
    cases.append(("offset-out-of-range", build(ts=tensors(b=dict(offset=1 << 20, place=False))), corrupt,
                  "out of bounds"))
    cases.append(("offset-wraps", build(ts=tensors(b=dict(offset=2**64 - 32, place=False))), corrupt,
                  "out of bounds"))
    cases.append(("overlapping", build(ts=tensors(b=dict(offset=0))), corrupt, "overlaps"))
    cases.append(("dims-overflow", build(ts=tensors(a=dict(ne=[2**32, 2**32, 4]))), corrupt, "overflow 64 bits"))
    cases.append(("bytes-overflow", build(ts=tensors(b=dict(ne=[2**62, 2]))), corrupt, "overflow 64 bits"))
    cases.append(("size-past-file", build(ts=tensors(a=dict(ne=[2**40, 2]))), corrupt, "more than the"))
    cases.append(("negative-dim", build(ts=tensors(a=dict(ne=[-4, 2]))), corrupt, "negative dimension"))
    cases.append(("n-dims-5", build(ts=tensors(a=dict(ne=[4, 2, 1, 1, 1]))), corrupt, "n_dims 5"))
    cases.append(("n-dims-0", build(ts=tensors(a=dict(ne=[]))), corrupt, "n_dims 0"))
    cases.append(("n-dims-huge", build(ts=tensors(a=dict(n_dims=0xFFFFFFFF))), corrupt, "n_dims 4294967295"))
    cases.append(("unknown-type", build(ts=tensors(a=dict(type=99))), unsupported, "ggml type 99"))
    cases.append(("iq2-type", build(ts=tensors(b=dict(type=16, ne=[256, 1], data=b"\0" * 66))), unsupported,
                  "IQ2_XXS"))
    cases.append(("ne0-not-block-multiple", build(ts=tensors(b=dict(ne=[16, 2]))), corrupt,
                  "not a multiple of the Q8_0 block size 32"))
    cases.append(("duplicate-tensor", build(ts=tensors(b=dict(name="a"))), corrupt, "duplicate tensor name 'a'"))
    cases.append(("duplicate-key", build(kv_list=kvs + [("llama.block_count", g.U32, 3)]), corrupt,
                  "duplicate metadata key 'llama.block_count'"))
    for value, tag in [(48, "48"), (0, "0")]:
        cases.append(("alignment-" + tag, build(kv_list=kvs + [("general.alignment", g.U32, value)]), corrupt,
                      "general.alignment %d is not a power of two" % value))
    cases.append(("alignment-string", build(kv_list=kvs + [("general.alignment", g.STRING, "32")]), corrupt,
                  "general.alignment must be a u32"))
    cases.append(("nested-array", build(kv_list=kvs + [("x", g.ARRAY, (g.ARRAY, []))]), unsupported,
                  "array of arrays"))
    cases.append(("bad-value-type", _bad_value_type(kvs, tensors()), corrupt, "unknown value type 13"))
    cases.append(("empty-file", b"", corrupt, "truncated"))
    return cases


def _bad_value_type(kvs, tensors):
    data, marks = g.encode_gguf(kvs + [("x", g.U8, 0)], tensors)
    pos = marks["kv%d" % len(kvs)] + 8 + 1  # key length + "x"
    return data[:pos] + (13).to_bytes(4, "little") + data[pos + 4:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(os.path.join(args.out, "bad"), exist_ok=True)
    rng = np.random.default_rng(0)
    tensors, expected = all_types(rng)
    with open(os.path.join(args.out, "all-types.gguf"), "wb") as f:
        f.write(g.encode_gguf(ALL_TYPES_KVS, tensors)[0])
    with open(os.path.join(args.out, "expected.gguf"), "wb") as f:
        f.write(g.encode_gguf([("general.architecture", g.STRING, "pf-test-expected")], expected)[0])
    x = rng.normal(0, 1, 64).astype(np.float32)
    v2 = g.encode_gguf([("general.alignment", g.U32, 64), ("general.architecture", g.STRING, "pf-v2")],
                       [dict(name="x", type=g.Q8_0, ne=[32, 2], data=g.quantize(g.Q8_0, x)),
                        dict(name="y", type=g.F16, ne=[3], data=g.quantize(g.F16, x[:3]))],
                       version=2, alignment=64)[0]
    with open(os.path.join(args.out, "aligned-64-v2.gguf"), "wb") as f:
        f.write(v2)
    with open(os.path.join(args.out, "bad", "manifest.tsv"), "w") as manifest:
        for name, data, code, expect in bad_cases():
            with open(os.path.join(args.out, "bad", name + ".gguf"), "wb") as f:
                f.write(data)
            manifest.write("%s\t%s\t%s\n" % (name, code, expect))


if __name__ == "__main__":
    main()
