// Where each token of a byte-level BPE tokenizer (GPT-2 family) lies in
// the text, derived from the reference tokenizer's token strings alone: the
// independent side of the equivalence test's offset checks.

// GPT-2's byte <-> char table, rebuilt here independently of the C++ one.
export const BYTE_OF_CHAR = (() => {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const m = new Map();
  bs.forEach((b, i) => m.set(String.fromCodePoint(cs[i]), b));
  return m;
})();

/** UTF-8 byte offset -> [utf16 start of its char, utf16 end of its char]. */
export function charSpansByByte(text) {
  const spans = [];
  let u16 = 0;
  for (const ch of text) {
    const bytes = Buffer.byteLength(ch, 'utf8');
    for (let k = 0; k < bytes; k++) spans.push([u16, u16 + ch.length]);
    u16 += ch.length;
  }
  return spans;
}

// tokens: the reference's tokens for text without special tokens added, so
// every token covers the next bytes of the text.
export function expectedByteLevelOffsets(text, tokens) {
  const spans = charSpansByByte(text);
  const out = [];
  let pos = 0;
  for (const t of tokens) {
    const n = [...t].every((c) => BYTE_OF_CHAR.has(c)) ? [...t].length : Buffer.byteLength(t, 'utf8');
    out.push(n === 0 ? [0, 0] : [spans[pos][0], spans[pos + n - 1][1]]);
    pos += n;
  }
  return out;
}
