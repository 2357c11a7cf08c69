"""Minimal, strict safetensors reader/writer (numpy only, no torch).

File layout (https://github.com/huggingface/safetensors):
    [8 bytes]  N = header length, unsigned little-endian u64
    [N bytes]  UTF-8 JSON object:
                 {"__metadata__": {str: str}, (optional)
                  "<name>": {"dtype": "F32", "shape": [d0, d1, ...],
                             "data_offsets": [begin, end]}, ...}
               offsets are relative to the first byte after the header;
               the header is padded with spaces (0x20) to a multiple of 8.
    [rest]     tensor bytes, row-major, little-endian.

Shared by make_tiny_bert.py, make_bad_models.py and bert_reference.py.
"""

import json
import math
import struct

import numpy as np

# dtype name -> (numpy storage dtype, bytes per element)
DTYPES = {
    "F64": (np.dtype("<f8"), 8),
    "F32": (np.dtype("<f4"), 4),
    "F16": (np.dtype("<f2"), 2),
    "BF16": (np.dtype("<u2"), 2),  # raw bits; see bf16_bits_to_f32
    "I64": (np.dtype("<i8"), 8),
    "I32": (np.dtype("<i4"), 4),
    "I16": (np.dtype("<i2"), 2),
    "I8": (np.dtype("i1"), 1),
    "U8": (np.dtype("u1"), 1),
    "BOOL": (np.dtype("?"), 1),
}


class SafetensorsError(ValueError):
    pass


# ---------------------------------------------------------------- bfloat16 ---

def f32_to_bf16_bits(x):
    """float32 array -> uint16 bfloat16 bits, round-to-nearest-even.
    NaNs stay (quiet) NaNs."""
    bits = np.ascontiguousarray(x, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    nan = np.isnan(np.asarray(x, dtype=np.float32))
    rounded = np.where(nan, (bits >> 16) | 0x40, rounded)
    return rounded.astype("<u2")


def bf16_bits_to_f32(bits):
    return (np.asarray(bits, dtype="<u2").astype("<u4") << 16).view("<f4")


def convert(x, dtype):
    """float array -> storage array for safetensors dtype name."""
    if dtype == "BF16":
        return f32_to_bf16_bits(np.asarray(x, dtype=np.float32))
    return np.asarray(x).astype(DTYPES[dtype][0])


# ------------------------------------------------------------------ writer ---

def build_header(entries, metadata=None):
    """entries: list of (name, dtype, shape, (begin, end)).  Returns the padded
    header bytes (without the 8-byte length prefix)."""
    obj = {}
    if metadata is not None:
        obj["__metadata__"] = metadata
    for name, dtype, shape, (b, e) in entries:
        obj[name] = {"dtype": dtype, "shape": [int(s) for s in shape],
                     "data_offsets": [int(b), int(e)]}
    raw = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((-len(raw)) % 8)
    return raw


def serialize(tensors, metadata=None):
    """tensors: dict name -> (dtype_name, storage ndarray) in the order they
    should appear in the file.  Returns the complete file as bytes."""
    if metadata is None:
        metadata = {"format": "pt"}
    entries, blobs, off = [], [], 0
    for name, (dtype, arr) in tensors.items():
        st_dtype = DTYPES[dtype][0]
        arr = np.ascontiguousarray(arr, dtype=st_dtype)
        blob = arr.tobytes(order="C")
        entries.append((name, dtype, arr.shape, (off, off + len(blob))))
        blobs.append(blob)
        off += len(blob)
    header = build_header(entries, metadata)
    return struct.pack("<Q", len(header)) + header + b"".join(blobs)


def write_file(path, tensors, metadata=None):
    data = serialize(tensors, metadata)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


# ------------------------------------------------------------------ reader ---

def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise SafetensorsError("duplicate key in header: %r" % k)
        d[k] = v
    return d


def parse(data):
    """bytes -> (header_dict, metadata, data_start).  Validates everything the
    C++ loader is expected to validate."""
    if len(data) < 8:
        raise SafetensorsError("truncated: file shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise SafetensorsError("truncated: header length %d exceeds file size %d" % (n, len(data)))
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"), object_pairs_hook=_no_duplicates)
    except SafetensorsError:
        raise
    except ValueError as e:
        raise SafetensorsError("invalid header json: %s" % e)
    if not isinstance(header, dict):
        raise SafetensorsError("invalid header json: not an object")
    metadata = header.pop("__metadata__", None)
    buf_len = len(data) - 8 - n
    spans = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise SafetensorsError("invalid header json entry for %r" % name)
        dtype, shape, offs = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            raise SafetensorsError("unknown dtype %r for %r" % (dtype, name))
        if not all(type(s) is int and s >= 0 for s in shape):
            raise SafetensorsError("invalid shape %r for %r" % (shape, name))
        if len(offs) != 2 or not all(type(o) is int and o >= 0 for o in offs):
            raise SafetensorsError("invalid data_offsets for %r" % name)
        b, e = offs
        if e < b:
            raise SafetensorsError("data_offsets out of bounds (end < begin) for %r" % name)
        if e > buf_len:
            # the data region ends where the file ends: tell both stories
            raise SafetensorsError("data_offsets out of bounds for %r (end %d > data size %d; "
                                   "file truncated?)" % (name, e, buf_len))
        nbytes = math.prod(shape) * DTYPES[dtype][1]  # exact (no u64 wrap-around)
        if e - b != nbytes:
            raise SafetensorsError("byte size mismatch for %r: shape %r dtype %s needs %d bytes, "
                                   "offsets give %d" % (name, shape, dtype, nbytes, e - b))
        spans.append((b, e, name))
    spans.sort()
    for (b0, e0, n0), (b1, e1, n1) in zip(spans, spans[1:]):
        if b1 < e0:
            raise SafetensorsError("data_offsets out of bounds: %r overlaps %r" % (n1, n0))
    return header, metadata, 8 + n


def read_file(path, to_float32=True):
    """path -> (dict name -> ndarray, dict name -> dtype name, metadata).
    With to_float32, F16/BF16 are widened to float32 (exactly)."""
    with open(path, "rb") as f:
        data = f.read()
    header, metadata, start = parse(data)
    arrays, dtypes = {}, {}
    for name, info in header.items():
        dt, _ = DTYPES[info["dtype"]]
        b, e = info["data_offsets"]
        arr = np.frombuffer(data, dtype=dt, count=(e - b) // dt.itemsize,
                            offset=start + b).reshape(info["shape"])
        if to_float32 and info["dtype"] == "BF16":
            arr = bf16_bits_to_f32(arr)
        elif to_float32 and info["dtype"] == "F16":
            arr = arr.astype(np.float32)
        arrays[name] = np.array(arr)  # own the memory (writable, native order)
        dtypes[name] = info["dtype"]
    return arrays, dtypes, metadata
