// Checks that the generated tokenizer.json (Llama layout, BPE + byte_fallback) tokenizes
// exactly like the SentencePiece .model it came from: reads lines of "<text>\t<ids>\t<decoded>"
// (ids from sentencepiece, written by check_tokenizer_json.py) and encodes each text with
// Hugging Face's tokenizers.js.  Exits 1 at the first mismatch, printing it.
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';

const [dir, cases] = process.argv.slice(2);
const tok = new Tokenizer(JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')),
                          JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8')));
let n = 0;
for (const line of readFileSync(cases, 'utf8').split('\n')) {
  if (!line) continue;
  const [text, want, wantText] = line.split('\t');
  const got = tok.encode(text, { add_special_tokens: false }).ids.join(' ');
  if (got !== want) {
    console.error(`MISMATCH on ${JSON.stringify(text)}\n  sentencepiece: ${want}\n  tokenizer.json: ${got}`);
    process.exit(1);
  }
  const ids = want.split(' ').filter(Boolean).map(Number);
  const back = ids.length ? tok.decode(ids, { skip_special_tokens: false }) : '';
  if (back !== wantText) {
    console.error(`DECODE MISMATCH on ${want}\n  sentencepiece: ${JSON.stringify(wantText)}\n  tokenizer.json: ${JSON.stringify(back)}`);
    process.exit(1);
  }
  n++;
}
console.log(`tokenizer.json == sentencepiece on ${n} texts`);
