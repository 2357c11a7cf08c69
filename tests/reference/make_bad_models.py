#!/usr/bin/env python3
"""Write hostile variants of a good BERT model dir (numpy only).

    make_bad_models.py --good DIR --out DIR

Each variant is a full copy of the good dir (config.json, model.safetensors,
vocab.txt, tokenizer_config.json, ...) with one defect, in OUT/<name>/, plus
OUT/<name>/expect.txt: one line, a lowercase substring the runtime's load
error message must contain.  OUT/index.tsv lists name, expect, description.

Expected substrings (the C++ error messages must contain these words):
    safetensors shorter than 8 bytes / header or data cut off /
      header length > file size ......................... "truncated"
    data_offsets outside the data region, end < begin,
      overlapping tensors ............................... "out of bounds"
      (data cut off at the end of the file also trips the bounds check; say
       both, e.g. "tensor X data out of bounds (file truncated?)")
    unknown dtype string ................................ "dtype"
    shape product * dtype size != end - begin ........... "size"
      (compute the product with overflow checks: one variant overflows u64)
    tensor shape != what config implies, negative dim ... "shape"
    required tensor absent .............................. "missing"
    same tensor name twice in the header ................ "duplicate"
    header JSON / config.json unparsable or wrong type .. "json"
    config without hidden_size / non-integer hidden_size  "hidden_size"
    num_attention_heads not dividing hidden_size, or 0 .. "num_attention_heads"
      (so a range error on num_attention_heads must name the field)
    absurd or negative sizes in config .................. "config"

Check order that makes each variant unambiguous (check_model_dir below is
an executable model of it): config.json parse -> required integer fields ->
size sanity ("config") -> heads divide hidden -> safetensors length prefix
-> header JSON (duplicates detected) -> per entry: dtype, shape, offsets
(end < begin, end > data size), byte size -> overlaps -> required tensors
("missing") -> shapes vs config ("shape").
Suggested sanity limits ("config"): all sizes >= 1, hidden_size <= 65536,
intermediate_size <= 1<<20, num_hidden_layers <= 1024, vocab_size <= 1<<24,
max_position_embeddings <= 1<<20, type_vocab_size <= 1<<16.
"""

import argparse
import json
import os
import shutil
import struct
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io as st  # noqa: E402

REQUIRED_INT = ["hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size", "vocab_size", "max_position_embeddings",
                "type_vocab_size"]
LIMITS = {"hidden_size": 65536, "intermediate_size": 1 << 20, "num_hidden_layers": 1024,
          "vocab_size": 1 << 24, "max_position_embeddings": 1 << 20,
          "type_vocab_size": 1 << 16, "num_attention_heads": 65536}


# ---------------------------------------------------- reference validator ---

class ModelError(ValueError):
    """str(e) = "<file>: <reason>"; e.reason alone is checked against expect.txt
    (so "config" must come from the reason, not from the file name)."""

    def __init__(self, file, reason):
        super().__init__("%s: %s" % (file, reason))
        self.reason = reason


def expected_shapes(cfg):
    H, I = cfg["hidden_size"], cfg["intermediate_size"]
    s = {"embeddings.word_embeddings.weight": [cfg["vocab_size"], H],
         "embeddings.position_embeddings.weight": [cfg["max_position_embeddings"], H],
         "embeddings.token_type_embeddings.weight": [cfg["type_vocab_size"], H],
         "embeddings.LayerNorm.weight": [H], "embeddings.LayerNorm.bias": [H]}
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        for q in ("query", "key", "value"):
            s[p + "attention.self.%s.weight" % q] = [H, H]
            s[p + "attention.self.%s.bias" % q] = [H]
        s[p + "attention.output.dense.weight"] = [H, H]
        s[p + "intermediate.dense.weight"] = [I, H]
        s[p + "intermediate.dense.bias"] = [I]
        s[p + "output.dense.weight"] = [H, I]
        for n in ("attention.output.dense.bias", "attention.output.LayerNorm.weight",
                  "attention.output.LayerNorm.bias", "output.dense.bias",
                  "output.LayerNorm.weight", "output.LayerNorm.bias"):
            s[p + n] = [H]
    return s  # pooler.* is optional


def check_model_dir(d):
    """Raise ModelError whose message contains the expected word; None if good."""
    try:
        with open(os.path.join(d, "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
    except ValueError as e:
        raise ModelError("config.json", "invalid json: %s" % e)
    if not isinstance(cfg, dict):
        raise ModelError("config.json", "invalid json: not an object")
    for k in REQUIRED_INT:
        if k not in cfg:
            raise ModelError("config.json", "missing field %s" % k)
        if type(cfg[k]) is not int:
            raise ModelError("config.json", "%s must be an integer" % k)
    for k, lim in LIMITS.items():
        if not 1 <= cfg[k] <= lim:
            raise ModelError("config.json", "invalid config: %s=%d out of range [1, %d]"
                             % (k, cfg[k], lim))
    if cfg["hidden_size"] % cfg["num_attention_heads"]:
        raise ModelError("config.json", "hidden_size %d not divisible by num_attention_heads %d"
                         % (cfg["hidden_size"], cfg["num_attention_heads"]))
    with open(os.path.join(d, "model.safetensors"), "rb") as f:
        data = f.read()
    try:
        header, _, _ = st.parse(data)
    except st.SafetensorsError as e:
        raise ModelError("model.safetensors", str(e))
    names = set(header)
    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in names else ""
    for name, shape in expected_shapes(cfg).items():
        if prefix + name not in names:
            raise ModelError("model.safetensors", "missing tensor %s" % (prefix + name))
        got = header[prefix + name]["shape"]
        if got != shape:
            raise ModelError("model.safetensors", "%s has shape %s, config implies %s"
                             % (prefix + name, got, shape))
    return None


# ------------------------------------------------------------- variants ---

def split_file(data):
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    return header, data[8 + n:]


def assemble(header_obj=None, buf=b"", raw=None):
    if raw is None:
        raw = json.dumps(header_obj, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((-len(raw)) % 8)
    return struct.pack("<Q", len(raw)) + raw + buf


def variants(good):
    with open(os.path.join(good, "model.safetensors"), "rb") as f:
        data = f.read()
    with open(os.path.join(good, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    header, buf = split_file(data)
    tensors = [k for k in header if k != "__metadata__"]
    prefix = "bert." if any(k.startswith("bert.") for k in tensors) else ""
    (n,) = struct.unpack("<Q", data[:8])
    H = cfg["hidden_size"]

    def hdr(**changes):
        """copy of header with entries replaced (value None deletes)."""
        h = json.loads(json.dumps(header))
        for k, v in changes.items():
            k = prefix + k.replace("__", ".")
            if v is None:
                del h[k]
            else:
                h[k] = dict(h[k], **v)
        return h

    last = max(tensors, key=lambda k: header[k]["data_offsets"][1])
    lb, le = header[last]["data_offsets"]
    q0 = "encoder.layer.0.attention.self.query.weight"
    i0 = "encoder.layer.0.intermediate.dense.weight"
    ln1b = "encoder.layer.%d.output.LayerNorm.bias" % (cfg["num_hidden_layers"] - 1)
    bias0 = "encoder.layer.0.attention.self.query.bias"

    def cfg_with(**kv):
        c = dict(cfg)
        for k, v in kv.items():
            if v is None:
                c.pop(k, None)
            else:
                c[k] = v
        return json.dumps(c, indent=2) + "\n"

    def st_file(h):
        return assemble(h, buf)

    dup_raw = json.dumps(header, separators=(",", ":"))
    first = tensors[0]
    entry = json.dumps(header[first], separators=(",", ":"))
    dup_raw = dup_raw[:-1] + ",%s:%s}" % (json.dumps(first), entry)

    # removing a tensor: re-serialize a clean file without it
    arrays, dtypes, meta = st.read_file(os.path.join(good, "model.safetensors"), to_float32=False)
    without = {k: (dtypes[k], arrays[k]) for k in
               sorted(arrays, key=lambda k: header[k]["data_offsets"][0]) if k != prefix + ln1b}
    missing_file = st.serialize(without, meta)

    rel = lambda name: prefix + name  # noqa: E731
    V = {
        # name: (expect, description, {"model.safetensors": bytes} or {"config.json": str})
        "st_trunc_length": ("truncated", "file is 5 bytes (cut inside the u64 header length)",
                            {"model.safetensors": data[:5]}),
        "st_empty": ("truncated", "zero-byte model.safetensors", {"model.safetensors": b""}),
        "st_trunc_header": ("truncated", "cut in the middle of the header JSON",
                            {"model.safetensors": data[:8 + n // 2]}),
        "st_trunc_data": ("truncated", "last 100 bytes of tensor data cut off",
                          {"model.safetensors": data[:-100]}),
        "st_header_len_huge": ("truncated", "header length 2^40 > file size",
                               {"model.safetensors": struct.pack("<Q", 1 << 40) + data[8:]}),
        "st_header_len_wrap": ("truncated", "header length 2^64-1 (8+N overflows u64)",
                               {"model.safetensors": struct.pack("<Q", (1 << 64) - 1) + data[8:]}),
        "st_header_json_invalid": ("json", "header bytes are not JSON (same length)",
                                   {"model.safetensors": data[:8] + b"{not json" +
                                    b" " * (n - 9) + buf}),
        "st_header_not_object": ("json", "header JSON is an array",
                                 {"model.safetensors": assemble(raw=b"[1,2,3]", buf=buf)}),
        "st_offsets_oob": ("out of bounds", "last tensor's offsets moved past the end",
                           {"model.safetensors": st_file(dict(hdr(), **{last: dict(
                               header[last], data_offsets=[len(buf) + 64, len(buf) + 64 + le - lb])}))}),
        "st_offsets_2p63": ("out of bounds", "offsets near 2^63 (begin+size must not wrap)",
                            {"model.safetensors": st_file(dict(hdr(), **{last: dict(
                                header[last], data_offsets=[1 << 63, (1 << 63) + le - lb])}))}),
        "st_offsets_reversed": ("out of bounds", "data_offsets end < begin (check before size)",
                                {"model.safetensors": st_file(dict(hdr(), **{last: dict(
                                    header[last], data_offsets=[le, lb])}))}),
        "st_offsets_overlap": ("out of bounds", "two tensors share bytes (offsets shifted by 4)",
                               {"model.safetensors": st_file(dict(hdr(), **{last: dict(
                                   header[last], data_offsets=[lb - 4, le - 4])}))}),
        "st_dtype_unknown": ("dtype", 'dtype "Q7"',
                             {"model.safetensors": st_file(hdr(**{bias0: {"dtype": "Q7"}}))}),
        "st_size_mismatch": ("size", "bias shape [H+1] but offsets hold H floats",
                             {"model.safetensors": st_file(hdr(**{bias0: {"shape": [H + 1]}}))}),
        "st_size_overflow": ("size", "extra tensor of shape [2^32,2^32,1] F32 with 0 bytes "
                             "(element count * 4 wraps to 0 in u64)",
                             {"model.safetensors": st_file(dict(hdr(), **{"extra.overflow": {
                                 "dtype": "F32", "shape": [1 << 32, 1 << 32, 1],
                                 "data_offsets": [0, 0]}}))}),
        "st_shape_negative": ("shape", "shape [-H] in the header",
                              {"model.safetensors": st_file(hdr(**{bias0: {"shape": [-H]}}))}),
        "shape_transposed": ("shape", "intermediate.dense.weight stored as [H, I] (transposed)",
                             {"model.safetensors": st_file(hdr(**{i0: {
                                 "shape": header[rel(i0)]["shape"][::-1]}}))}),
        "shape_wrong_hidden": ("shape", "query weight relabelled [H/2, 2H] (same bytes)",
                               {"model.safetensors": st_file(hdr(**{q0: {
                                   "shape": [H // 2, 2 * H]}}))}),
        "shape_vocab_mismatch": ("shape", "config vocab_size +1 vs word_embeddings rows",
                                 {"config.json": cfg_with(vocab_size=cfg["vocab_size"] + 1)}),
        "missing_tensor": ("missing", "last layer's output.LayerNorm.bias absent (clean file)",
                           {"model.safetensors": missing_file}),
        "missing_layer": ("missing", "config num_hidden_layers one more than stored",
                          {"config.json": cfg_with(num_hidden_layers=cfg["num_hidden_layers"] + 1)}),
        "duplicate_tensor": ("duplicate", "first tensor name appears twice in the header JSON",
                             {"model.safetensors": assemble(raw=dup_raw.encode(), buf=buf)}),
        "config_json_invalid": ("json", "config.json cut in half",
                                {"config.json": cfg_with()[:len(cfg_with()) // 2]}),
        "config_not_object": ("json", "config.json is a JSON array", {"config.json": "[64, 2]\n"}),
        "config_missing_hidden_size": ("hidden_size", "no hidden_size key",
                                       {"config.json": cfg_with(hidden_size=None)}),
        "config_hidden_size_string": ("hidden_size", 'hidden_size is the string "64"',
                                      {"config.json": cfg_with(hidden_size=str(H))}),
        "config_heads_not_dividing": ("num_attention_heads", "num_attention_heads 5 vs hidden %d" % H,
                                      {"config.json": cfg_with(num_attention_heads=5 if H % 5 else 7)}),
        "config_heads_zero": ("num_attention_heads", "num_attention_heads 0 (no division by zero!)",
                              {"config.json": cfg_with(num_attention_heads=0)}),
        "config_absurd_layers": ("config", "num_hidden_layers 1000000",
                                 {"config.json": cfg_with(num_hidden_layers=1000000)}),
        "config_absurd_hidden": ("config", "hidden_size 2^31",
                                 {"config.json": cfg_with(hidden_size=1 << 31)}),
        "config_absurd_vocab": ("config", "vocab_size 2^40",
                                {"config.json": cfg_with(vocab_size=1 << 40)}),
        "config_negative_intermediate": ("config", "intermediate_size -128",
                                         {"config.json": cfg_with(intermediate_size=-128)}),
        "config_negative_layers": ("config", "num_hidden_layers -2",
                                   {"config.json": cfg_with(num_hidden_layers=-2)}),
    }
    return V


def main(argv=None):
    ap = argparse.ArgumentParser(description="write hostile model variants")
    ap.add_argument("--good", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    check_model_dir(a.good)  # the good model must pass
    os.makedirs(a.out, exist_ok=True)
    index = []
    for name, (expect, desc, files) in variants(a.good).items():
        d = os.path.join(a.out, name)
        if os.path.isdir(d):
            shutil.rmtree(d)
        shutil.copytree(a.good, d)
        for fn, content in files.items():
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(os.path.join(d, fn), mode, **({} if mode == "wb" else
                                                    {"encoding": "utf-8", "newline": "\n"})) as f:
                f.write(content)
        with open(os.path.join(d, "expect.txt"), "w", newline="\n") as f:
            f.write(expect + "\n")
        # the variant must really be bad, for the reason we claim
        try:
            check_model_dir(d)
            raise SystemExit("variant %s unexpectedly passes validation" % name)
        except ModelError as e:
            if expect not in e.reason.lower():
                raise SystemExit("variant %s: %r does not contain %r" % (name, str(e), expect))
            msg = str(e)
        index.append((name, expect, desc))
        print("%-30s %-20s %s" % (name, expect, msg[:90]))
    with open(os.path.join(a.out, "index.tsv"), "w", newline="\n") as f:
        f.write("".join("%s\t%s\t%s\n" % row for row in index))
    print("wrote %d variants to %s" % (len(index), a.out))


if __name__ == "__main__":
    main()
