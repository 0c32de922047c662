import { BadRequestError } from '../errors.js';

/**
 * Protobuf text format, the subset Triton's config.pbtxt uses: scalar fields (`name: "x"`,
 * `max_batch_size: 8`, enum identifiers), lists (`dims: [ 3, 224 ]`), messages
 * (`dynamic_batching { }`) and lists of messages (`input [ { ... }, { ... } ]`). A field that
 * repeats collects its values in order. `#` starts a comment.
 */
export type PbScalar = string | number | boolean;
export interface PbMessage { readonly [field: string]: readonly PbValue[] }
export type PbValue = PbScalar | PbMessage;

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; pos: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!; // i < text.length
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if ('{}[]:,;'.includes(c)) { out.push({ kind: 'punct', text: c, pos: i }); i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') { const n = text[j + 1]; s += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? ''); j += 2; } else s += text[j++];
      }
      if (j >= text.length) throw new BadRequestError(`pbtxt: unterminated string at offset ${i}`);
      out.push({ kind: 'string', text: s, pos: i });
      i = j + 1;
      continue;
    }
    const m = /^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+)/.exec(text.slice(i));
    if (m) { out.push({ kind: 'number', text: m[0], pos: i }); i += m[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (id) { out.push({ kind: 'ident', text: id[0], pos: i }); i += id[0].length; continue; }
    throw new BadRequestError(`pbtxt: unexpected character ${JSON.stringify(c)} at offset ${i}`);
  }
  return out;
}

/** Parses a text-format message; enum identifiers become their names as strings, `true`/`false` booleans. */
export function parsePbtxt(text: string): PbMessage {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const expect = (t: string) => {
    const k = toks[p];
    if (!k || k.text !== t || k.kind === 'string') throw new BadRequestError(`pbtxt: expected "${t}" at ${k ? `offset ${k.pos}` : 'the end'}`);
    p++;
  };
  const scalar = (): PbScalar => {
    const t = toks[p++];
    if (!t) throw new BadRequestError('pbtxt: value missing at the end');
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'ident') return t.text === 'true' ? true : t.text === 'false' ? false : t.text;
    throw new BadRequestError(`pbtxt: unexpected "${t.text}" at offset ${t.pos}`);
  };
  const message = (end: string | undefined): PbMessage => {
    const fields: Record<string, PbValue[]> = {};
    for (;;) {
      const t = peek();
      if (!t) {
        if (end) throw new BadRequestError(`pbtxt: missing "${end}" at the end`);
        return fields;
      }
      if (t.kind === 'punct' && t.text === end) { p++; return fields; }
      if (t.kind === 'punct' && (t.text === ',' || t.text === ';')) { p++; continue; }
      if (t.kind !== 'ident') throw new BadRequestError(`pbtxt: expected a field name at offset ${t.pos}, got "${t.text}"`);
      p++;
      const list = (fields[t.text] ??= []);
      if (peek()?.text === ':') p++;
      const v = peek();
      if (v?.kind === 'punct' && v.text === '{') { p++; list.push(message('}')); continue; }
      if (v?.kind === 'punct' && v.text === '[') {
        p++;
        while (peek()?.text !== ']') {
          if (peek()?.text === '{') { p++; list.push(message('}')); } else list.push(scalar());
          if (peek()?.text === ',') p++;
          else if (peek()?.text !== ']') throw new BadRequestError(`pbtxt: expected "," or "]" at ${peek() ? `offset ${peek()?.pos}` : 'the end'}`);
        }
        expect(']');
        continue;
      }
      list.push(scalar());
    }
  };
  return message(undefined);
}
