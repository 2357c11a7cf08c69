// Seeded random test strings for the tokenizer equivalence tests and the
// benchmark: prose, code, numbers, CJK, emoji with ZWJ, combining marks, RTL,
// control characters, whitespace runs, very long words, lone surrogates and
// added tokens inside the text.
//
// Left out on purpose, because @huggingface/tokenizers (the JS reference)
// differs there from the Rust library whose behaviour we follow:
// U+0085 and U+FEFF (JS \s vs Unicode White_Space), unassigned code points
// (its BERT control check omits Cn), and supplementary-plane CJK (its BERT
// CJK padding reads UTF-16 units). `asciiOnly` exists because its Whitespace
// pre-tokenizer and Digits use ASCII-only \w / \d.

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('the quick brown fox jumps over lazy dog hello world tokenizer model running jumped ' +
  'happily information international beautiful it\'s isn\'t we\'ll they\'ve I\'m you\'re she\'d ' +
  'Hello WORLD Tokenization CamelCase snake_case kebab-case e-mail U.S.A. café naïve résumé ' +
  'Straße über façade coöperate ﬁnancial ＡＢＣ ｈｅｌｌｏ').split(' ');
const CODE = ['def f(x):\n    return x**2\n', 'for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}',
  'const x = {a: 1, "b": [2, 3]};', '#include <vector>\n', 'if x != None and y >= 3:', '=> {}',
  '<div class="a">&nbsp;</div>', 'SELECT * FROM t WHERE id = 42;', '``quoted\'\'', '$HOME/.bashrc'];

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}
function int(r, lo, hi) {
  return lo + Math.floor(r() * (hi - lo + 1));
}
function fromRange(r, lo, hi, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCodePoint(int(r, lo, hi));
  return s;
}

const GENERATORS = {
  prose: (r) => Array.from({ length: int(r, 1, 12) }, () => pick(r, WORDS)).join(pick(r, [' ', ' ', ', ', '. ', '  '])),
  code: (r) => pick(r, CODE),
  numbers: (r) => pick(r, [String(int(r, 0, 1e9)), (r() * 1000).toFixed(int(r, 0, 5)), '1,234,567', '3.14159',
    '0x' + int(r, 0, 1e6).toString(16), '2024-11-23', '12345678901234567890', '-42', '1e-9']),
  cjk: (r) => pick(r, [() => fromRange(r, 0x4e00, 0x9fff, int(r, 1, 8)), () => fromRange(r, 0x3041, 0x3096, int(r, 1, 8)),
    () => fromRange(r, 0xac00, 0xd7a3, int(r, 1, 6)), () => '日本語のテキスト、中文。'])(),
  emoji: (r) => pick(r, ['👨‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', '🇺🇸🇯🇵', '❤️', '🙂🙃', '👩🏻‍💻', '1️⃣', '🤖 bot']),
  combining: (r) => pick(r, ['e\u0301', 'a\u0308\u0304', 'n\u0303', 'Z\u0335\u0321\u0347', 'o\u0302\u0323', '\u0301lead']) + pick(r, WORDS),
  rtl: (r) => pick(r, [() => fromRange(r, 0x5d0, 0x5ea, int(r, 1, 8)), () => fromRange(r, 0x627, 0x64a, int(r, 1, 8)),
    () => 'مرحبا بالعالم', () => 'שלום עולם', () => '\u202Eabc\u202C'])(),
  control: (r) => fromRange(r, 0, 0x1f, int(r, 1, 3)) + pick(r, ['\u007f', '\u0080', '\u009f', '\u200b', '\u200d', '\u2028', '']),
  whitespace: (r) => Array.from({ length: int(r, 1, 6) }, () => pick(r, [' ', '  ', '\t', '\n', '\r\n', '\u3000', '\u00a0', '\u2003', '\n\n'])).join(''),
  longword: (r) => pick(r, ['a', 'ab', 'xyz', 'é', '中', '!', '9']).repeat(int(r, 50, 400)),
  surrogate: (r) => pick(r, ['\ud800', '\udfff', 'a\ud83dz', '\ude00b', '\ud83d\ude00']),
};
const ASCII_GENERATORS = ['prose', 'code', 'numbers', 'whitespace', 'longword'];

/** n strings; addedTokens are spliced in at random places. */
export function makeCases(seed, n, { addedTokens = [], asciiOnly = false } = {}) {
  const r = rng(seed);
  const names = Object.keys(GENERATORS);
  const cases = [];
  for (let i = 0; i < n; i++) {
    const parts = [];
    const k = int(r, 1, 6);
    for (let j = 0; j < k; j++) {
      let s = GENERATORS[pick(r, names)](r);
      if (asciiOnly) s = s.replace(/[^\x20-\x7e\n\t]/g, pick(r, ['', ' ', 'x']));
      parts.push(s);
      if (addedTokens.length && r() < 0.25) parts.push(pick(r, addedTokens));
    }
    cases.push(parts.join(pick(r, ['', ' ', ' ', '\n'])));
  }
  return cases;
}

/** Escapes a string for a failure message. */
export function escapeString(s) {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
