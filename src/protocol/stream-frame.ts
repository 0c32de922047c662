import { BadRequestError } from '../errors.js';

/**
 * Frames of cleave's stream transport: the same v2 binary messages as the REST endpoints (JSON
 * header + binary tensors), carried over one persistent TCP connection instead of one HTTP
 * exchange each. A frame is a 16-byte header, then its payload:
 *
 *   u32 length of the rest of the frame | u8 version (1) | u8 kind (1 request, 2 reply)
 *   u16 path length (request) or HTTP status (reply) | u32 tag | u32 JSON header length
 *   (0xFFFFFFFF: the whole body is JSON), then for a request the path
 *   ("/v2/models/NAME[/versions/V]/infer") padded with zeros to 8 bytes, then the body.
 *
 * The tag pairs a reply with its request, so replies may come back in any order. All numbers
 * are little-endian. Bodies start 8-byte aligned in their frame, so tensors can be viewed in place.
 */

export const FRAME_HEADER_BYTES = 16;
const VERSION = 1;
const REQUEST = 1;
const REPLY = 2;
const NO_HEADER_LENGTH = 0xffffffff;
const MAX_PATH_BYTES = 1024;

/** A request: an inference call for the model at `path`; `tag` comes back on its reply. */
export interface RequestFrame {
  readonly kind: 'request';
  readonly tag: number;
  readonly path: string;
  readonly headerLength?: number;
  readonly body: Uint8Array;
}

/** A reply to the request with the same `tag`, with the HTTP status the REST endpoint would give. */
export interface ReplyFrame {
  readonly kind: 'reply';
  readonly tag: number;
  readonly status: number;
  readonly headerLength?: number;
  readonly body: Uint8Array;
}

/** One frame of the stream, as `FrameReader` yields it. */
export type Frame = RequestFrame | ReplyFrame;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const pad8 = (n: number): number => (n + 7) & ~7;

/** A frame's header and (for a request) padded path: everything before the body. */
function prefixOf(kind: number, field: number, tag: number, headerLength: number | undefined, path: Uint8Array | undefined, bodyLength: number): Uint8Array {
  const pathBytes = path ? pad8(path.length) : 0;
  // The length field is a u32: a larger body would wrap it and desynchronise the stream.
  if (FRAME_HEADER_BYTES + pathBytes + bodyLength - 4 > 0xffffffff) throw new BadRequestError(`a stream frame holds at most 4 GiB; this body has ${bodyLength} bytes`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + pathBytes);
  const v = new DataView(out.buffer);
  v.setUint32(0, out.length + bodyLength - 4, true);
  v.setUint8(4, VERSION);
  v.setUint8(5, kind);
  v.setUint16(6, field, true);
  v.setUint32(8, tag >>> 0, true);
  v.setUint32(12, headerLength ?? NO_HEADER_LENGTH, true);
  if (path) out.set(path, FRAME_HEADER_BYTES);
  return out;
}

function joined(prefix: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

/**
 * A request frame's bytes before its body. Writing this and then the body (one writev when the
 * socket is corked) spares copying a large cut tensor into a frame buffer.
 */
export function requestFramePrefix(tag: number, path: string, bodyLength: number, headerLength?: number): Uint8Array {
  const p = encoder.encode(path);
  if (p.length > MAX_PATH_BYTES) throw new BadRequestError(`stream request path is ${p.length} bytes, more than ${MAX_PATH_BYTES}`);
  return prefixOf(REQUEST, p.length, tag, headerLength, p, bodyLength);
}

/** A whole request frame: header, padded path, then `body` (a v2 message, `headerLength` as in REST). */
export function encodeRequestFrame(tag: number, path: string, body: Uint8Array, headerLength?: number): Uint8Array {
  return joined(requestFramePrefix(tag, path, body.length, headerLength), body);
}

/** A whole reply frame: header, then `body` (a v2 message, `headerLength` as in REST). */
export function encodeReplyFrame(tag: number, status: number, body: Uint8Array, headerLength?: number): Uint8Array {
  return joined(prefixOf(REPLY, status, tag, headerLength, undefined, body.length), body);
}

/** Parses one whole frame (its 4-byte length included); `bytes` must start 8-byte aligned for in-place tensors. */
function parseFrame(bytes: Uint8Array): Frame {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < FRAME_HEADER_BYTES) throw new BadRequestError(`stream frame of ${bytes.length} bytes is shorter than its ${FRAME_HEADER_BYTES}-byte header`);
  const version = v.getUint8(4);
  if (version !== VERSION) throw new BadRequestError(`stream frame version ${version} is not supported (this side speaks ${VERSION}); is this a cleave stream port?`);
  const kind = v.getUint8(5);
  const field = v.getUint16(6, true);
  const tag = v.getUint32(8, true);
  const h = v.getUint32(12, true);
  const headerLength = h === NO_HEADER_LENGTH ? undefined : h;
  if (kind === REPLY) return { kind: 'reply', tag, status: field, ...(headerLength !== undefined ? { headerLength } : {}), body: bytes.subarray(FRAME_HEADER_BYTES) };
  if (kind !== REQUEST) throw new BadRequestError(`stream frame kind ${kind} is neither a request (1) nor a reply (2)`);
  const bodyStart = FRAME_HEADER_BYTES + pad8(field);
  if (field > MAX_PATH_BYTES || bodyStart > bytes.length) throw new BadRequestError(`stream request frame's path (${field} bytes) does not fit its ${bytes.length}-byte frame`);
  let path: string;
  try {
    path = decoder.decode(bytes.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + field));
  } catch {
    throw new BadRequestError('stream request path is not valid UTF-8');
  }
  return { kind: 'request', tag, path, ...(headerLength !== undefined ? { headerLength } : {}), body: bytes.subarray(bodyStart) };
}

/**
 * The byte stream broke: a frame was malformed or too long. `frames` are the whole frames read
 * before the break, in the same push: they are valid and still deserve their answers.
 */
export class FrameStreamError extends BadRequestError {
  constructor(message: string, readonly frames: readonly Frame[]) {
    super(message);
  }
}

/**
 * Cuts a byte stream into frames. Frames longer than `maxFrameBytes` are refused before they are
 * buffered (the length comes first), so a peer cannot make this side hold more than that.
 * After an error the stream cannot be resynchronised: every later push throws it again, and the
 * connection should be closed once the frames read before it are answered.
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private broken: string | undefined;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received and not yet returned as frames (a partial frame). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * The whole frames `chunk` completes. A malformed frame throws a FrameStreamError carrying the
   * frames read before it, so one TCP chunk holding a good frame and then garbage loses nothing.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.broken !== undefined) throw new FrameStreamError(this.broken, []);
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    try {
      for (;;) {
        if (this.buffered < 4) break;
        const need = 4 + this.peekLength();
        if (need - 4 < FRAME_HEADER_BYTES - 4) throw new BadRequestError(`stream frame length ${need - 4} is shorter than a frame header`);
        if (need > this.maxFrameBytes) throw new BadRequestError(`stream frame of ${need} bytes is larger than the limit of ${this.maxFrameBytes}`);
        if (this.buffered < need) break;
        frames.push(parseFrame(this.take(need)));
      }
    } catch (e) {
      this.broken = (e as Error).message;
      // Nothing after a bad frame can be read: drop it rather than hold it.
      this.chunks = [];
      this.buffered = 0;
      throw new FrameStreamError(this.broken, frames);
    }
    return frames;
  }

  private peekLength(): number {
    const first = this.chunks[0]!; // called with buffered >= 4, so a chunk is there
    if (first.length >= 4) return new DataView(first.buffer, first.byteOffset, 4).getUint32(0, true);
    const b = this.copy(4, false);
    return new DataView(b.buffer).getUint32(0, true);
  }

  /** The next `n` bytes: a view when they lie 8-byte aligned in one chunk, else a fresh (aligned) copy. */
  private take(n: number): Uint8Array {
    const first = this.chunks[0]!; // called with n <= buffered, so a chunk is there
    if (first.length >= n && first.byteOffset % 8 === 0) {
      const out = first.subarray(0, n);
      this.consume(n);
      return out;
    }
    return this.copy(n, true);
  }

  private copy(n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let p = 0;
    for (const c of this.chunks) {
      const k = Math.min(c.length, n - p);
      out.set(c.subarray(0, k), p);
      p += k;
      if (p === n) break;
    }
    if (consume) this.consume(n);
    return out;
  }

  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const c = this.chunks[0]!; // n > 0 bytes are still buffered, so a chunk is there
      if (c.length <= n) {
        this.chunks.shift();
        n -= c.length;
      } else {
        this.chunks[0] = c.subarray(n);
        n = 0;
      }
    }
  }
}

/** The model name and version in a stream request's path, which has the REST infer route's form. */
export function parseInferPath(path: string): { name: string; version?: string } {
  const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/infer$/.exec(path);
  if (!m) throw new BadRequestError(`stream request path "${path}" is not /v2/models/NAME[/versions/VERSION]/infer`);
  try {
    const name = decodeURIComponent(m[1]!); // group 1 is not optional: it matched
    return m[2] !== undefined ? { name, version: decodeURIComponent(m[2]) } : { name };
  } catch {
    throw new BadRequestError(`stream request path "${path}" has a malformed %-escape`);
  }
}
