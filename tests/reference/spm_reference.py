"""Reference data for the C++ SentencePiece tokenizer, from Debian's
python3-sentencepiece (the real sentencepiece library).

1. Builds sentencepiece .model files (ModelProto, protobuf wire format
   written by hand -- no protobuf module needed) from
   a. the Llama 2 vocab inside llama.cpp's ggml-vocab-llama-spm.gguf (read with
      a tiny GGUF metadata reader): BPE, byte fallback, identity normalizer,
      add_dummy_prefix, no whitespace removal -- Llama 2's tokenizer.model
      settings;
   b. llama2.c's tok512.bin (stories260K): the same settings, with the
      exporter's " " turned back into "\u2581" and "\\n<s>\\n" into "<s>".
2. For those two and sentencepiece's own test_model.model / test_ja_model.model
   (Unigram, nmt_nfkc charsmap), writes seeded random strings with the ids
   python sentencepiece encodes them to and the text it decodes those ids
   back to, plus random id sequences with their decoded text, as JSON lines.

Usage: spm_reference.py --fixtures ../shared/fixtures --out build/testdata/spm
       [--count 5000] [--seed 0]
"""

import argparse
import json
import os
import random
import struct

import sentencepiece as spm

# ---------------------------------------------------------------------------
# GGUF metadata (no tensors needed: the vocab GGUFs have none).

GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
                10: "<Q", 11: "<q", 12: "<d"}


def read_gguf_metadata(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"GGUF":
        raise ValueError(path + ": not a GGUF file")
    version, = struct.unpack_from("<I", data, 4)
    if version < 2:
        raise ValueError(path + ": GGUF v1 is not supported here")
    _n_tensors, n_kv = struct.unpack_from("<QQ", data, 8)
    pos = 24

    def read_string(pos):
        n, = struct.unpack_from("<Q", data, pos)
        return data[pos + 8:pos + 8 + n].decode("utf-8"), pos + 8 + n

    def read_value(kind, pos):
        if kind in GGUF_SCALARS:
            fmt = GGUF_SCALARS[kind]
            return struct.unpack_from(fmt, data, pos)[0], pos + struct.calcsize(fmt)
        if kind == 8:
            return read_string(pos)
        if kind == 9:
            elem, count = struct.unpack_from("<IQ", data, pos)
            pos += 12
            if elem in GGUF_SCALARS:  # fast path for numeric arrays
                fmt = GGUF_SCALARS[elem]
                size = struct.calcsize(fmt)
                values = list(struct.unpack_from("<%d%s" % (count, fmt[1]), data, pos))
                return values, pos + size * count
            values = []
            for _ in range(count):
                v, pos = read_value(elem, pos)
                values.append(v)
            return values, pos
        raise ValueError("unknown GGUF value type %d" % kind)

    meta = {}
    for _ in range(n_kv):
        key, pos = read_string(pos)
        kind, = struct.unpack_from("<I", data, pos)
        pos += 4
        meta[key], pos = read_value(kind, pos)
    return meta


# ---------------------------------------------------------------------------
# Protobuf wire format, just enough to write a ModelProto.

def varint(n):
    if n < 0:
        n += 1 << 64  # int32 fields: negative values are 10-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, value):
    return varint(num << 3) + varint(int(value))


def field_bytes(num, payload):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return varint((num << 3) | 2) + varint(len(payload)) + payload


def field_float(num, value):
    return varint((num << 3) | 5) + struct.pack("<f", value)


def model_proto(pieces, scores, types, model_type, byte_fallback, unk_id, bos_id, eos_id,
                add_dummy_prefix=True, remove_extra_whitespaces=False):
    out = bytearray()
    for piece, score, kind in zip(pieces, scores, types):
        body = field_bytes(1, piece) + field_float(2, score)
        if kind != 1:
            body += field_varint(3, kind)
        out += field_bytes(1, body)
    trainer = (field_varint(3, model_type) + field_varint(35, byte_fallback) +
               field_varint(40, unk_id) + field_varint(41, bos_id) + field_varint(42, eos_id) +
               field_varint(43, -1))
    out += field_bytes(2, trainer)
    normalizer = (field_bytes(1, "identity") + field_varint(3, add_dummy_prefix) +
                  field_varint(4, remove_extra_whitespaces) + field_varint(5, True))
    out += field_bytes(3, normalizer)
    return bytes(out)


def read_varint(data, pos):
    value, shift = 0, 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def split_fields(data):
    """Top-level (field number, wire type, raw field bytes incl. tag) of a message."""
    pos, out = 0, []
    while pos < len(data):
        start = pos
        tag, pos = read_varint(data, pos)
        num, wt = tag >> 3, tag & 7
        if wt == 0:
            _, pos = read_varint(data, pos)
        elif wt == 1:
            pos += 8
        elif wt == 5:
            pos += 4
        elif wt == 2:
            n, pos = read_varint(data, pos)
            pos += n
        else:
            raise ValueError("wire type %d" % wt)
        out.append((num, wt, data[start:pos]))
    return out


def with_special_pieces(blob, rng, unused_fraction, user_defined):
    """A copy of a ModelProto where some normal pieces (length > 1 character)
    become UNUSED and extra USER_DEFINED pieces are appended -- the piece types
    no stock model exercises."""
    out = bytearray()
    for num, wt, raw in split_fields(blob):
        if num != 1:
            out += raw
            continue
        tag_len = len(varint(num << 3 | 2))
        _, body_start = read_varint(raw, tag_len)
        body = raw[body_start:]
        fields = split_fields(body)
        piece = kind = None
        for fnum, _, fraw in fields:
            if fnum == 1:
                n, p = read_varint(fraw, 1)
                piece = fraw[p:p + n].decode("utf-8")
            if fnum == 3:
                kind, _ = read_varint(fraw, 1)
        if (kind in (None, 1) and len(piece) > 1 and rng.random() < unused_fraction):
            body = b"".join(fraw for fnum, _, fraw in fields if fnum != 3) + field_varint(3, 5)
        out += field_bytes(1, body)
    for piece in user_defined:
        out += field_bytes(1, field_bytes(1, piece) + field_float(2, 0.0) + field_varint(3, 4))
    return bytes(out)


def gguf_llama_model(gguf_path):
    meta = read_gguf_metadata(gguf_path)
    assert meta["tokenizer.ggml.model"] == "llama", meta["tokenizer.ggml.model"]
    tokens = meta["tokenizer.ggml.tokens"]
    scores = meta["tokenizer.ggml.scores"]
    types = meta["tokenizer.ggml.token_type"]
    add_prefix = meta.get("tokenizer.ggml.add_space_prefix", True)
    return model_proto(tokens, scores, types, model_type=2, byte_fallback=True,
                       unk_id=meta.get("tokenizer.ggml.unknown_token_id", 0),
                       bos_id=meta.get("tokenizer.ggml.bos_token_id", 1),
                       eos_id=meta.get("tokenizer.ggml.eos_token_id", 2),
                       add_dummy_prefix=add_prefix)


def llama2c_model(tok_path):
    with open(tok_path, "rb") as f:
        data = f.read()
    pos = 4
    pieces, scores = [], []
    while pos < len(data):
        score, n = struct.unpack_from("<fi", data, pos)
        pieces.append(data[pos + 8:pos + 8 + n].decode("utf-8"))
        scores.append(score)
        pos += 8 + n
    types = []
    for i, p in enumerate(pieces):
        if i == 0:
            types.append(2)
        elif i in (1, 2):
            types.append(3)
        elif len(p) == 6 and p.startswith("<0x") and p.endswith(">"):
            types.append(6)
        else:
            types.append(1)
    pieces = [p if t == 6 else p.replace(" ", "\u2581") for p, t in zip(pieces, types)]
    pieces[1], pieces[2] = "<s>", "</s>"
    return model_proto(pieces, scores, types, model_type=2, byte_fallback=True,
                       unk_id=0, bos_id=1, eos_id=2)


# ---------------------------------------------------------------------------
# Seeded random text.

PROSE_WORDS = ("the quick brown fox jumps over lazy dog Hello world I'm you're don't "
               "tokenizer sentencepiece Llama model Once upon a time there was little girl "
               "named Lily She loved to play outside park").split()
CJK = "日本語の文章を書きます。東京都は晴れ、京都は雨でした！漢字仮名交じり文カタカナひらがな中文汉字测试한국어"
EMOJI = ["\U0001F999", "\U0001F600", "\U0001F468\u200D\U0001F469\u200D\U0001F467",
         "\U0001F44D\U0001F3FD", "\u2764\uFE0F", "\U0001F1EF\U0001F1F5", "\U0001F3F3\uFE0F\u200D\U0001F308"]
COMBINING = ["e\u0301", "a\u0308", "n\u0303", "\u0915\u094D\u0937", "o\u0302\u0323", "A\u030A"]
RTL = ["\u0645\u0631\u062D\u0628\u0627", "\u05E9\u05DC\u05D5\u05DD", "\u200F", "\u202E"]
CONTROL = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\u0085", "\u200B", "\uFEFF", "\u00AD"]
SPACES = [" ", "  ", "   ", "\t", "\n", "\r\n", "\u3000", "\u00A0", "\u2009", " \n ", "\u2028"]
FULLWIDTH = ["\uFF21\uFF22\uFF23", "\uFF11\uFF12\uFF13", "\u2460", "\uFB01", "\u2163", "\u00BD", "\u212B"]


def random_text(rng, lines):
    kind = rng.randrange(10)
    if kind == 0:
        return rng.choice(lines)
    if kind == 1:
        return " ".join(rng.choice(PROSE_WORDS) for _ in range(rng.randint(1, 20)))
    if kind == 2:
        return "".join(rng.choice("0123456789.,-+ ") for _ in range(rng.randint(1, 30)))
    if kind == 3:
        return "".join(rng.choice(CJK) for _ in range(rng.randint(1, 30)))
    if kind == 4:  # long words
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(20, 300)))
    if kind == 5:  # random code points, mostly from the BMP
        out = []
        for _ in range(rng.randint(1, 20)):
            cp = rng.randint(1, 0x2FFFF if rng.random() < 0.2 else 0xFFFF)
            if 0xD800 <= cp <= 0xDFFF:
                cp = 0xFFFD
            out.append(chr(cp))
        return "".join(out)
    # Mixtures of everything.
    pools = [PROSE_WORDS, list(CJK), EMOJI, COMBINING, RTL, CONTROL, SPACES, FULLWIDTH]
    out = []
    for _ in range(rng.randint(1, 25)):
        out.append(rng.choice(rng.choice(pools)))
        if rng.random() < 0.4:
            out.append(rng.choice(SPACES) if rng.random() < 0.3 else " ")
    if rng.random() < 0.2:
        out.insert(0, rng.choice(SPACES))
    return "".join(out)


def write_cases(sp, path, rng, lines, count, whole_text):
    n_pieces = sp.get_piece_size()
    with open(path, "w", encoding="utf-8") as f:
        texts = ["", " ", "  ", "\t", "\n", "Hello world", " Hello world", "Hello  world ",
                 "\u2581", "\u2581\u2581x", "<s>", "</s>", "<unk>", "<0x41>",
                 # Long inputs: a whole book, and runs that merge a lot.
                 whole_text, "a" * 20000, " " * 5000, "ab" * 5000, "\u65e5" * 3000,
                 "<mask> Lily ab c \uFF21\uFF22\uFF23 \u65e5\u672c\u8a9e \U0001F999x",
                 "a</s>b </s>"]
        texts += [random_text(rng, lines) for _ in range(count)]
        for text in texts:
            ids = sp.encode(text)
            case = {"text": text, "ids": ids, "decoded": sp.decode(ids)}
            # Piece offsets, converted from python's character offsets to UTF-8 bytes.
            proto = sp.encode(text, out_type="immutable_proto")
            if [p.id for p in proto.pieces] == ids:
                byte_at = [0]
                for ch in text:
                    byte_at.append(byte_at[-1] + len(ch.encode("utf-8")))
                case["offsets"] = [[byte_at[p.begin], byte_at[p.end]] for p in proto.pieces]
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
        # Decoding arbitrary id sequences: bytes, controls, unk, broken UTF-8.
        for _ in range(max(1, count // 5)):
            ids = [rng.randrange(n_pieces) for _ in range(rng.randint(1, 12))]
            if rng.random() < 0.5:
                ids.insert(0, rng.randrange(min(n_pieces, 300)))
            f.write(json.dumps({"decode_ids": ids, "decoded": sp.decode(ids)},
                               ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    botchan = os.path.join(args.fixtures, "tokenizers/sentencepiece/botchan.txt")
    with open(botchan, encoding="utf-8") as f:
        whole_text = f.read()
    lines = [line for line in whole_text.split("\n") if line.strip()]

    models = {}
    gguf = os.path.join(args.fixtures, "tokenizers/llama.cpp-vocab/ggml-vocab-llama-spm.gguf")
    if os.path.exists(gguf):
        models["llama-spm"] = gguf_llama_model(gguf)
    tok512 = os.path.join(args.fixtures, "models/stories260K/tok512.bin")
    if os.path.exists(tok512):
        models["tok512"] = llama2c_model(tok512)
    # Variants with unused and user-defined pieces (merges through unused
    # pieces get split back; user-defined pieces match greedily, unnormalized).
    user_defined = ["<mask>", "Lily", "\uFF21\uFF22", "ab c", "\u65e5\u672c", "\U0001F999x"]
    variant_rng = random.Random(args.seed + 77)
    if "tok512" in models:
        models["tok512-special"] = with_special_pieces(models["tok512"], variant_rng, 0.15, user_defined)
    test_model = os.path.join(args.fixtures, "tokenizers/sentencepiece/test_model.model")
    if os.path.exists(test_model):
        with open(test_model, "rb") as f:
            # "</s>" is also a control piece: sentencepiece decodes by piece text,
            # so this user-defined copy decodes as the (invisible) control one.
            # (Not for BPE, where sentencepiece's encoder then fails outright.)
            models["test_model-special"] = with_special_pieces(f.read(), variant_rng, 0.15,
                                                               user_defined + ["</s>"])
    for name, blob in models.items():
        with open(os.path.join(args.out, name + ".model"), "wb") as f:
            f.write(blob)

    model_files = {name: os.path.join(args.out, name + ".model") for name in models}
    for name in ("test_model", "test_ja_model"):
        path = os.path.join(args.fixtures, "tokenizers/sentencepiece", name + ".model")
        if os.path.exists(path):
            model_files[name] = path
    for i, (name, path) in enumerate(sorted(model_files.items())):
        sp = spm.SentencePieceProcessor(model_file=path)
        rng = random.Random(args.seed * 1000 + i)
        write_cases(sp, os.path.join(args.out, name + ".jsonl"), rng, lines, args.count, whole_text)


if __name__ == "__main__":
    main()
