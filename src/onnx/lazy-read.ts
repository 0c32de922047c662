import { closeSync, openSync, readSync } from 'node:fs';
import { BadModelError, IoError, ioFailure } from '../errors.js';
import { decodeModel } from './codec.js';
import { checkTensorData } from './model-check.js';
import type { ModelProto } from './types.js';

/** raw_data payloads at least this large are left in the file and read on first use. */
export const LAZY_RAW_BYTES = 4096;

/** Where one initializer's raw_data lies in the file. */
interface Span {
  readonly offset: number;
  readonly length: number;
}

/** Sequential reads of a file through a window, with positional reads underneath. */
class Cursor {
  private readonly window = Buffer.allocUnsafe(1 << 16);
  private start = 0;
  private end = 0;
  pos = 0;
  constructor(private readonly fd: number, readonly size: number, private readonly path: string) {}

  private fill(): void {
    this.start = this.pos;
    this.end = this.pos + readSync(this.fd, this.window, 0, this.window.length, this.pos);
  }

  byte(): number {
    if (this.pos >= this.size) throw new BadModelError(`${this.path} is truncated (a field runs past the end of the file)`);
    if (this.pos < this.start || this.pos >= this.end) this.fill();
    return this.window[this.pos++ - this.start]!; // start <= pos < end after fill(), inside the window
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new BadModelError(`${this.path} is not a valid ONNX file (a varint is too long)`);
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.size) throw new BadModelError(`${this.path} is truncated (a field runs past the end of the file)`);
    const out = Buffer.allocUnsafe(n);
    readSync(this.fd, out, 0, n, this.pos);
    this.pos += n;
    return out;
  }
}

function varintBytes(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/**
 * Appends a length-delimited field with new contents to `out`. A loop, not `push(...parts)`:
 * a graph of tens of thousands of nodes has more parts than a call can take as arguments.
 */
function appendField(out: Uint8Array[], tag: number, parts: readonly Uint8Array[]): void {
  const length = parts.reduce((s, p) => s + p.length, 0);
  out.push(Uint8Array.from([...varintBytes(tag), ...varintBytes(length)]));
  for (const p of parts) out.push(p);
}

/** Copies one field (tag already read) verbatim, or hands length-delimited contents to `inner`. */
function copyField(c: Cursor, tag: number, out: Uint8Array[]): void {
  const wire = tag & 7;
  const from = c.pos;
  if (wire === 0) c.varint();
  else if (wire === 1) c.pos += 8;
  else if (wire === 5) c.pos += 4;
  else if (wire === 2) {
    const length = c.varint();
    c.pos += length;
  }
  else throw new BadModelError(`not a valid ONNX file (protobuf wire type ${wire} at byte ${from})`);
  const body = c.pos - from;
  c.pos = from;
  out.push(Uint8Array.from(varintBytes(tag)), c.bytes(body));
}

/** TensorProto: everything but a large raw_data (field 9), whose span is recorded. */
function tensor(c: Cursor, end: number, spans: (Span | undefined)[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let span: Span | undefined;
  while (c.pos < end) {
    const tag = c.varint();
    if (tag === ((9 << 3) | 2)) {
      const length = c.varint();
      if (length >= LAZY_RAW_BYTES) {
        if (c.pos + length > end) throw new BadModelError('not a valid ONNX file: a tensor\'s data runs past its end (truncated file?)');
        span = { offset: c.pos, length };
        c.pos += length;
        continue;
      }
      out.push(Uint8Array.from([...varintBytes(tag), ...varintBytes(length)]), c.bytes(length));
    } else copyField(c, tag, out);
  }
  spans.push(span);
  return out;
}

/** GraphProto: every field as it is, initializers (field 5) through `tensor`. */
function graph(c: Cursor, end: number, spans: (Span | undefined)[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  while (c.pos < end) {
    const tag = c.varint();
    if (tag === ((5 << 3) | 2)) {
      const length = c.varint();
      appendField(out, tag, tensor(c, c.pos + length, spans));
    } else copyField(c, tag, out);
  }
  return out;
}

/**
 * Reads a large ONNX file without its weights: the model's structure is read and decoded, and
 * each initializer's raw_data of LAZY_RAW_BYTES or more stays in the file until something reads
 * `rawData` (cutting, running). Analysing VGG-16 (528 MB) then touches a few hundred KB.
 */
export function readModelLazily(path: string, size: number): ModelProto {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw ioFailure(`cannot read ${path}`, e);
  }
  const spans: (Span | undefined)[] = [];
  const out: Uint8Array[] = [];
  try {
    const c = new Cursor(fd, size, path);
    while (c.pos < size) {
      const tag = c.varint();
      if (tag === ((7 << 3) | 2)) {
        const length = c.varint();
        if (c.pos + length > size) throw new BadModelError(`${path} is truncated (the graph runs past the end of the file)`);
        appendField(out, tag, graph(c, c.pos + length, spans));
      } else copyField(c, tag, out);
    }
  } finally {
    closeSync(fd);
  }
  const model = decodeModel(Buffer.concat(out), path);
  model.graph.initializer.forEach((t, i) => {
    const span = spans[i];
    if (!span) return;
    checkTensorData(t, `${path}: initializer "${t.name}"`, span.length);
    defineLazyRaw(t, path, span);
  });
  return model;
}

/** rawData that reads its bytes from the file the first time it is asked for. */
function defineLazyRaw(t: object, path: string, span: Span): void {
  let cached: Uint8Array | undefined;
  Object.defineProperty(t, 'rawData', {
    enumerable: true,
    configurable: true,
    get(): Uint8Array {
      if (!cached) {
        const fd = openSync(path, 'r');
        try {
          cached = Buffer.allocUnsafe(span.length);
          if (readSync(fd, cached, 0, span.length, span.offset) !== span.length) throw new IoError(`${path} changed while cleave was reading it`);
        } finally {
          closeSync(fd);
        }
      }
      return cached;
    },
    set(v: Uint8Array) {
      cached = v;
    },
  });
}
