"""GGUF v2/v3 writer and ggml block quantizers / dequantizers (numpy only).

Written from the GGUF spec (ggml docs/gguf.md) and ggml's block layouts
(ggml-common.h), independently of the C++ reader, so the C++ tests compare
two implementations.

File layout (all little-endian):
    "GGUF" | u32 version | u64 n_tensors | u64 n_kv
    kv:          string key | u32 value type | value
    tensor info: string name | u32 n_dims | u64 ne[n_dims] | u32 ggml type | u64 offset
    padding to the alignment (general.alignment, default 32), tensor data;
    offsets are relative to the data start and aligned.
    string = u64 length | bytes;  array = u32 element type | u64 count | elements

Dequantizers follow ggml's reference `dequantize_row_*` operation order in
float32 (each product / sum rounded to f32), which is what makes the C++
decoder's results comparable bit for bit.
"""

import struct

import numpy as np

# ------------------------------------------------------------ value types ---

U8, I8, U16, I16, U32, I32, F32V, BOOL, STRING, ARRAY, U64, I64, F64V = range(13)
_SCALAR_FMT = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i",
               F32V: "<f", BOOL: "<B", U64: "<Q", I64: "<q", F64V: "<d"}

# ------------------------------------------------------------- ggml types ---

F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 = 0, 1, 2, 3, 6, 7, 8
Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, BF16 = 10, 11, 12, 13, 14, 15, 30
TYPE_NAMES = {F32: "F32", F16: "F16", BF16: "BF16", Q4_0: "Q4_0", Q4_1: "Q4_1",
              Q5_0: "Q5_0", Q5_1: "Q5_1", Q8_0: "Q8_0", Q2_K: "Q2_K", Q3_K: "Q3_K",
              Q4_K: "Q4_K", Q5_K: "Q5_K", Q6_K: "Q6_K", Q8_K: "Q8_K"}
# type -> (elements per block, bytes per block)
BLOCK = {F32: (1, 4), F16: (1, 2), BF16: (1, 2),
         Q4_0: (32, 18), Q4_1: (32, 20), Q5_0: (32, 22), Q5_1: (32, 24), Q8_0: (32, 34),
         Q2_K: (256, 84), Q3_K: (256, 110), Q4_K: (256, 144), Q5_K: (256, 176),
         Q6_K: (256, 210), Q8_K: (256, 292)}


def row_bytes(t, ne0):
    qk, nb = BLOCK[t]
    assert ne0 % qk == 0
    return ne0 // qk * nb


# ----------------------------------------------------------------- writer ---

def _u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


def _string(s):
    b = s.encode() if isinstance(s, str) else bytes(s)
    return _u64(len(b)) + b


def encode_value(vtype, value):
    """Bytes of one metadata value (without its type tag)."""
    if vtype == STRING:
        return _string(value)
    if vtype == ARRAY:
        elem_type, items = value
        out = struct.pack("<I", elem_type) + _u64(len(items))
        return out + b"".join(encode_value(elem_type, v) for v in items)
    return struct.pack(_SCALAR_FMT[vtype], value)


def encode_gguf(kvs, tensors, version=3, alignment=32):
    """Builds a GGUF file.

    kvs: list of (key, value type, value); arrays are (ARRAY, (elem type, list)).
    tensors: list of dicts: name, type, ne (ggml order), data (bytes); optional
      offset (default: next aligned position), n_dims (written instead of
      len(ne)), place=False (do not write the data bytes).
    `alignment` is the padding actually used (write general.alignment in kvs
    yourself). Returns (bytes, marks): marks maps section names ("version",
    "tensor_count", "kv_count", "kv0".., "tinfo0".., "data", "tdata0"..,
    "end") to byte positions, for cutting hostile files at boundaries.
    """
    marks = {}
    out = bytearray(b"GGUF")
    marks["version"] = len(out)
    out += struct.pack("<I", version)
    marks["tensor_count"] = len(out)
    out += _u64(len(tensors))
    marks["kv_count"] = len(out)
    out += _u64(len(kvs))
    for i, (key, vtype, value) in enumerate(kvs):
        marks["kv%d" % i] = len(out)
        out += _string(key) + struct.pack("<I", vtype) + encode_value(vtype, value)
    offsets = []
    next_offset = 0
    for t in tensors:
        off = t.get("offset", next_offset)
        offsets.append(off)
        if t.get("place", True):
            next_offset = max(next_offset, off + len(t["data"]))
            next_offset = (next_offset + alignment - 1) // alignment * alignment
    for i, t in enumerate(tensors):
        marks["tinfo%d" % i] = len(out)
        ne = t["ne"]
        out += _string(t["name"]) + struct.pack("<I", t.get("n_dims", len(ne)))
        for d in ne:
            out += _u64(d)
        out += struct.pack("<I", t["type"]) + _u64(offsets[i])
    marks["header_end"] = len(out)
    if tensors:
        out += b"\0" * ((-len(out)) % alignment)
    data_start = len(out)
    marks["data"] = data_start
    data = bytearray()
    for i, t in enumerate(tensors):
        if not t.get("place", True):
            continue
        end = offsets[i] + len(t["data"])
        if len(data) < end:
            data += b"\0" * (end - len(data))
        data[offsets[i]:end] = t["data"]
        marks["tdata%d" % i] = data_start + offsets[i]
    out += data
    marks["end"] = len(out)
    return bytes(out), marks


# ------------------------------------------------------------ float helpers ---

def f16_bits(x):
    return np.asarray(x, dtype=np.float32).astype("<f2").view("<u2")


def f16_value(bits):
    return np.asarray(bits, dtype="<u2").view("<f2").astype(np.float32)


def bf16_bits(x):
    bits = np.ascontiguousarray(x, dtype="<f4").view("<u4").astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")


def _safe_inv(d):
    d = np.asarray(d, dtype=np.float32)
    with np.errstate(divide="ignore"):
        return np.where(d != 0, np.float32(1) / np.where(d != 0, d, 1), 0).astype(np.float32)


def _signed_absmax(x):
    """Per row of x, the element of largest magnitude, with its sign."""
    idx = np.argmax(np.abs(x), axis=-1)
    return np.take_along_axis(x, idx[..., None], axis=-1)[..., 0]


def _u8(a):
    return np.asarray(a).astype(np.uint8)


# ------------------------------------------------------------- quantizers ---
# Each takes float32 x of shape [n] (n a multiple of the block size) and
# returns the raw block bytes. Round-to-nearest per block: valid blocks, not
# ggml's (better) search-based encodings.

def _q_simple(x, qk, levels, offset_style):
    """Q4_0 / Q5_0 (symmetric, d = max / -half) and Q4_1 / Q5_1 (d, m)."""
    b = x.reshape(-1, qk).astype(np.float32)
    if offset_style == "sym":
        d = f16_value(f16_bits(_signed_absmax(b) / -(levels // 2)))
        q = np.clip(np.rint(b * _safe_inv(d)[:, None]) + levels // 2, 0, levels - 1)
        m = None
    else:
        lo, hi = b.min(axis=1), b.max(axis=1)
        d = f16_value(f16_bits((hi - lo) / (levels - 1)))
        m = f16_value(f16_bits(lo))
        q = np.clip(np.rint((b - m[:, None]) * _safe_inv(d)[:, None]), 0, levels - 1)
    return d, m, q.astype(np.uint32)


def _pack_nibbles_32(q):
    """[nb, 32] 4-bit values -> [nb, 16]: element j low nibble, j+16 high."""
    return _u8((q[:, :16] & 0xF) | ((q[:, 16:] & 0xF) << 4))


def _qh_32(q):
    """[nb, 32] 5-bit values -> [nb, 4] little-endian word of their 5th bits."""
    bits = (q >> 4) & 1
    word = (bits.astype(np.uint64) << np.arange(32, dtype=np.uint64)).sum(axis=1)
    return word.astype("<u4").view(np.uint8).reshape(-1, 4)


def quantize_q4_0(x):
    d, _, q = _q_simple(x, 32, 16, "sym")
    return _blocks(f16_bits(d), _pack_nibbles_32(q))


def quantize_q4_1(x):
    d, m, q = _q_simple(x, 32, 16, "affine")
    return _blocks(f16_bits(d), f16_bits(m), _pack_nibbles_32(q))


def quantize_q5_0(x):
    d, _, q = _q_simple(x, 32, 32, "sym")
    return _blocks(f16_bits(d), _qh_32(q), _pack_nibbles_32(q))


def quantize_q5_1(x):
    d, m, q = _q_simple(x, 32, 32, "affine")
    return _blocks(f16_bits(d), f16_bits(m), _qh_32(q), _pack_nibbles_32(q))


def quantize_q8_0(x):
    b = x.reshape(-1, 32).astype(np.float32)
    d = f16_value(f16_bits(np.abs(b).max(axis=1) / 127))
    q = np.clip(np.rint(b * _safe_inv(d)[:, None]), -127, 127).astype(np.int8)
    return _blocks(f16_bits(d), q.view(np.uint8))


def _blocks(*parts):
    """Concatenates per-block fields ([nb] or [nb, k] arrays) into bytes."""
    cols = []
    for p in parts:
        p = np.asarray(p)
        if p.ndim == 1:
            p = p[:, None]
        cols.append(np.ascontiguousarray(p).view(np.uint8).reshape(p.shape[0], -1))
    return np.concatenate(cols, axis=1).tobytes()


def _affine_k(x, sub, qmax, scale_max):
    """K-quant scale/min search by round-to-nearest: per sub-block of `sub`
    elements value = d*sc*q - dmin*mn with q in [0, qmax], sc and mn in
    [0, scale_max]. Returns d, dmin [nb]; sc, mn [nb, n_sub]; q [nb, 256]."""
    b = x.reshape(-1, 256).astype(np.float32)
    s = b.reshape(b.shape[0], -1, sub)
    lo = np.minimum(s.min(axis=2), 0)
    scale = (s.max(axis=2) - lo) / qmax
    d = f16_value(f16_bits(scale.max(axis=1) / scale_max))
    dmin = f16_value(f16_bits((-lo).max(axis=1) / scale_max))
    sc = np.clip(np.rint(scale * _safe_inv(d)[:, None]), 0, scale_max).astype(np.uint32)
    mn = np.clip(np.rint(-lo * _safe_inv(dmin)[:, None]), 0, scale_max).astype(np.uint32)
    step = (d[:, None] * sc).astype(np.float32)
    off = (dmin[:, None] * mn).astype(np.float32)
    q = np.clip(np.rint((s + off[:, :, None]) * _safe_inv(step)[:, :, None]), 0, qmax)
    return d, dmin, sc, mn, q.reshape(b.shape[0], 256).astype(np.uint32)


def _symmetric_k(x, sub, qhalf, scale_lim):
    """Signed scales: value = d*sc*q, q in [-qhalf, qhalf-1], sc in
    [-scale_lim, scale_lim-1]. Returns d [nb], sc [nb, n_sub], q [nb, 256]."""
    b = x.reshape(-1, 256).astype(np.float32)
    s = b.reshape(b.shape[0], -1, sub)
    scale = _signed_absmax(s) / -qhalf
    d = f16_value(f16_bits(np.abs(scale).max(axis=1) / (scale_lim - 1)))
    sc = np.clip(np.rint(scale * _safe_inv(d)[:, None]), -scale_lim, scale_lim - 1).astype(np.int32)
    step = (d[:, None] * sc).astype(np.float32)
    q = np.clip(np.rint(s * _safe_inv(step)[:, :, None]), -qhalf, qhalf - 1)
    return d, sc, q.reshape(b.shape[0], 256).astype(np.int32)


def _pack_2bit_runs(q):
    """[nb, 256] 2-bit values -> [nb, 64]: element h*128 + k*32 + l sits in
    byte h*32 + l at bit 2k."""
    q = q.reshape(-1, 2, 4, 32).astype(np.uint32)
    out = (q[:, :, 0] | (q[:, :, 1] << 2) | (q[:, :, 2] << 4) | (q[:, :, 3] << 6))
    return _u8(out.reshape(-1, 64))


def _pack_k4_scales(sc, mn):
    """8 six-bit scales and mins -> the 12-byte Q4_K / Q5_K packing."""
    s = np.zeros((sc.shape[0], 12), dtype=np.uint32)
    s[:, 0:4] = sc[:, 0:4] | ((sc[:, 4:8] >> 4) << 6)
    s[:, 4:8] = mn[:, 0:4] | ((mn[:, 4:8] >> 4) << 6)
    s[:, 8:12] = (sc[:, 4:8] & 0xF) | ((mn[:, 4:8] & 0xF) << 4)
    return _u8(s)


def _nibble_runs(q):
    """[nb, 256] -> [nb, 128]: run r holds sub-block 2r in low nibbles and
    sub-block 2r+1 in high nibbles."""
    q = q.reshape(-1, 4, 2, 32).astype(np.uint32)
    return _u8(((q[:, :, 0] & 0xF) | ((q[:, :, 1] & 0xF) << 4)).reshape(-1, 128))


def quantize_q2_k(x):
    d, dmin, sc, mn, q = _affine_k(x, 16, 3, 15)
    return _blocks(_u8(sc | (mn << 4)), _pack_2bit_runs(q), f16_bits(d), f16_bits(dmin))


def quantize_q3_k(x):
    d, sc, q = _symmetric_k(x, 16, 4, 32)
    stored = (sc + 32).astype(np.uint32)  # 6 bits
    L = (q + 4).astype(np.uint32)         # 3 bits
    hm = np.zeros((L.shape[0], 32), dtype=np.uint32)
    Lr = L.reshape(-1, 2, 4, 2, 16)  # half, k, part, l
    for h in range(2):
        for k in range(4):
            bit = (Lr[:, h, k] >> 2).reshape(-1, 32)  # part*16 + l
            hm |= bit << (h * 4 + k)
    s = np.zeros((L.shape[0], 12), dtype=np.uint32)
    s[:, 0:4] = (stored[:, 0:4] & 0xF) | ((stored[:, 8:12] & 0xF) << 4)
    s[:, 4:8] = (stored[:, 4:8] & 0xF) | ((stored[:, 12:16] & 0xF) << 4)
    s[:, 8:12] = ((stored[:, 0:4] >> 4) | ((stored[:, 4:8] >> 4) << 2) |
                  ((stored[:, 8:12] >> 4) << 4) | ((stored[:, 12:16] >> 4) << 6))
    return _blocks(_u8(hm), _pack_2bit_runs(L & 3), _u8(s), f16_bits(d))


def quantize_q4_k(x):
    d, dmin, sc, mn, q = _affine_k(x, 32, 15, 63)
    return _blocks(f16_bits(d), f16_bits(dmin), _pack_k4_scales(sc, mn), _nibble_runs(q))


def quantize_q5_k(x):
    d, dmin, sc, mn, q = _affine_k(x, 32, 31, 63)
    hi = (q >> 4).reshape(-1, 8, 32)
    qh = np.zeros((q.shape[0], 32), dtype=np.uint32)
    for j in range(8):
        qh |= hi[:, j] << j
    return _blocks(f16_bits(d), f16_bits(dmin), _pack_k4_scales(sc, mn), _u8(qh), _nibble_runs(q))


def quantize_q6_k(x):
    d, sc, q = _symmetric_k(x, 16, 32, 128)
    Q = (q + 32).astype(np.uint32).reshape(-1, 2, 4, 32)  # half, c, l
    ql = np.concatenate([(Q[:, :, 0] & 0xF) | ((Q[:, :, 2] & 0xF) << 4),
                         (Q[:, :, 1] & 0xF) | ((Q[:, :, 3] & 0xF) << 4)], axis=2)  # [nb, 2, 64]
    qh = (Q[:, :, 0] >> 4) | ((Q[:, :, 1] >> 4) << 2) | ((Q[:, :, 2] >> 4) << 4) | ((Q[:, :, 3] >> 4) << 6)
    return _blocks(_u8(ql.reshape(-1, 128)), _u8(qh.reshape(-1, 64)), sc.astype(np.int8), f16_bits(d))


def quantize_q8_k(x):
    b = x.reshape(-1, 256).astype(np.float32)
    d = (np.abs(b).max(axis=1) / 127).astype(np.float32)
    q = np.clip(np.rint(b * _safe_inv(d)[:, None]), -127, 127).astype(np.int8)
    bsums = q.reshape(-1, 16, 16).astype(np.int32).sum(axis=2).astype("<i2")
    return _blocks(d.astype("<f4"), q.view(np.uint8), bsums)


def quantize(t, x):
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    if t == F32:
        return x.astype("<f4").tobytes()
    if t == F16:
        return f16_bits(x).tobytes()
    if t == BF16:
        return bf16_bits(x).tobytes()
    return {Q4_0: quantize_q4_0, Q4_1: quantize_q4_1, Q5_0: quantize_q5_0, Q5_1: quantize_q5_1,
            Q8_0: quantize_q8_0, Q2_K: quantize_q2_k, Q3_K: quantize_q3_k, Q4_K: quantize_q4_k,
            Q5_K: quantize_q5_k, Q6_K: quantize_q6_k, Q8_K: quantize_q8_k}[t](x)


# ----------------------------------------------------------- dequantizers ---
# raw bytes -> float32 [n], from the block layouts; float32 throughout.

def _split(raw, t, widths):
    qk, nb = BLOCK[t]
    assert sum(widths) == nb
    b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, nb)
    out, pos = [], 0
    for w in widths:
        out.append(b[:, pos:pos + w])
        pos += w
    return out


def _half(col):
    return f16_value(np.ascontiguousarray(col).view("<u2")[:, 0])


def _unpack_nibbles_32(qs):
    qs = qs.astype(np.int32)
    return np.concatenate([qs & 0xF, qs >> 4], axis=1)


def _qh_bits_32(qh):
    word = np.ascontiguousarray(qh).view("<u4")[:, 0].astype(np.int64)
    return ((word[:, None] >> np.arange(32)) & 1).astype(np.int32)


def dequantize(t, raw):
    f32 = np.float32
    if t == F32:
        return np.frombuffer(raw, dtype="<f4").astype(f32)
    if t == F16:
        return f16_value(np.frombuffer(raw, dtype="<u2"))
    if t == BF16:
        return (np.frombuffer(raw, dtype="<u2").astype("<u4") << 16).view("<f4").astype(f32)
    if t == Q4_0:
        d, qs = _split(raw, t, [2, 16])
        return ((_unpack_nibbles_32(qs) - 8).astype(f32) * _half(d)[:, None]).reshape(-1)
    if t == Q4_1:
        d, m, qs = _split(raw, t, [2, 2, 16])
        return (_unpack_nibbles_32(qs).astype(f32) * _half(d)[:, None] + _half(m)[:, None]).reshape(-1)
    if t == Q5_0:
        d, qh, qs = _split(raw, t, [2, 4, 16])
        q = _unpack_nibbles_32(qs) | (_qh_bits_32(qh) << 4)
        return ((q - 16).astype(f32) * _half(d)[:, None]).reshape(-1)
    if t == Q5_1:
        d, m, qh, qs = _split(raw, t, [2, 2, 4, 16])
        q = _unpack_nibbles_32(qs) | (_qh_bits_32(qh) << 4)
        return (q.astype(f32) * _half(d)[:, None] + _half(m)[:, None]).reshape(-1)
    if t == Q8_0:
        d, qs = _split(raw, t, [2, 32])
        return (qs.view(np.int8).astype(f32) * _half(d)[:, None]).reshape(-1)
    if t == Q8_K:
        d, qs, _ = _split(raw, t, [4, 256, 32])
        dv = np.ascontiguousarray(d).view("<f4")[:, 0]
        return (dv[:, None] * qs.view(np.int8).astype(f32)).reshape(-1)
    if t == Q2_K:
        scales, qs, d, dmin = _split(raw, t, [16, 64, 2, 2])
        q = _unpack_2bit_runs(qs)
        sc = scales.astype(np.int32)
        dl = (_half(d)[:, None] * (sc & 0xF).astype(f32)).astype(f32)
        ml = (_half(dmin)[:, None] * (sc >> 4).astype(f32)).astype(f32)
        y = np.repeat(dl, 16, axis=1) * q.astype(f32) - np.repeat(ml, 16, axis=1)
        return y.astype(f32).reshape(-1)
    if t == Q3_K:
        hmask, qs, packed, d = _split(raw, t, [32, 64, 12, 2])
        low = _unpack_2bit_runs(qs)
        p = packed.astype(np.int32)
        top = p[:, 8:12]
        s = np.concatenate([(p[:, 0:4] & 0xF) | ((top & 3) << 4),
                            (p[:, 4:8] & 0xF) | (((top >> 2) & 3) << 4),
                            (p[:, 0:4] >> 4) | (((top >> 4) & 3) << 4),
                            (p[:, 4:8] >> 4) | (((top >> 6) & 3) << 4)], axis=1)
        # element h*128 + k*32 + part*16 + l: high bit in hmask[part*16 + l] bit (4h + k)
        hm = hmask.astype(np.int32)
        hbit = np.stack([(hm >> (4 * h + k)) & 1 for h in range(2) for k in range(4)], axis=1)
        q = low - 4 * (1 - hbit.reshape(-1, 256))
        dl = (_half(d)[:, None] * (s - 32).astype(f32)).astype(f32)
        return (np.repeat(dl, 16, axis=1) * q.astype(f32)).astype(f32).reshape(-1)
    if t in (Q4_K, Q5_K):
        if t == Q4_K:
            d, dmin, scales, qs = _split(raw, t, [2, 2, 12, 128])
            hi = 0
        else:
            d, dmin, scales, qh, qs = _split(raw, t, [2, 2, 12, 32, 128])
            qhv = qh.astype(np.int32)
            hi = np.concatenate([((qhv >> j) & 1) << 4 for j in range(8)], axis=1)
        qsv = qs.astype(np.int32).reshape(-1, 4, 32)
        q = np.stack([qsv & 0xF, qsv >> 4], axis=2).reshape(-1, 256) + hi
        sc, mn = _unpack_k4_scales(scales)
        d1 = (_half(d)[:, None] * sc.astype(f32)).astype(f32)
        m1 = (_half(dmin)[:, None] * mn.astype(f32)).astype(f32)
        y = np.repeat(d1, 32, axis=1) * q.astype(f32) - np.repeat(m1, 32, axis=1)
        return y.astype(f32).reshape(-1)
    if t == Q6_K:
        ql, qh, scales, d = _split(raw, t, [128, 64, 16, 2])
        ql = ql.astype(np.int32).reshape(-1, 2, 64)
        qh = qh.astype(np.int32).reshape(-1, 2, 32)
        parts = [(ql[:, :, 0:32] & 0xF) | ((qh & 3) << 4),
                 (ql[:, :, 32:64] & 0xF) | (((qh >> 2) & 3) << 4),
                 (ql[:, :, 0:32] >> 4) | (((qh >> 4) & 3) << 4),
                 (ql[:, :, 32:64] >> 4) | (((qh >> 6) & 3) << 4)]
        q = np.stack(parts, axis=2).reshape(-1, 256) - 32  # half, c, l
        dsc = (_half(d)[:, None] * scales.view(np.int8).astype(f32)).astype(f32)
        return (np.repeat(dsc, 16, axis=1) * q.astype(f32)).astype(f32).reshape(-1)
    raise ValueError("no dequantizer for type %d" % t)


def _unpack_2bit_runs(qs):
    q = qs.astype(np.int32).reshape(-1, 2, 1, 32)
    shifts = (2 * np.arange(4)).reshape(1, 1, 4, 1)
    return ((q >> shifts) & 3).reshape(-1, 256)


def _unpack_k4_scales(s):
    s = s.astype(np.int32)
    sc = np.concatenate([s[:, 0:4] & 63, (s[:, 8:12] & 0xF) | ((s[:, 0:4] >> 6) << 4)], axis=1)
    mn = np.concatenate([s[:, 4:8] & 63, (s[:, 8:12] >> 4) | ((s[:, 4:8] >> 6) << 4)], axis=1)
    return sc, mn


def random_blocks(t, n_blocks, rng):
    """Arbitrary block bytes (every bit pattern of the quant and scale fields)
    with finite f16 / f32 scale fields, so decoders see all the packing cases."""
    qk, nb = BLOCK[t]
    raw = rng.integers(0, 256, size=(n_blocks, nb), dtype=np.uint8)

    def set_half(pos):
        raw[:, pos:pos + 2] = f16_bits(rng.normal(0, 0.05, n_blocks)).view(np.uint8).reshape(-1, 2)

    half_fields = {Q4_0: [0], Q4_1: [0, 2], Q5_0: [0], Q5_1: [0, 2], Q8_0: [0], Q2_K: [80, 82],
                   Q3_K: [108], Q4_K: [0, 2], Q5_K: [0, 2], Q6_K: [208]}
    for pos in half_fields.get(t, []):
        set_half(pos)
    if t == Q8_K:
        raw[:, 0:4] = rng.normal(0, 0.05, n_blocks).astype("<f4").view(np.uint8).reshape(-1, 4)
    return raw.tobytes()
