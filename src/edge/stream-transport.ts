import { type Socket, connect } from 'node:net';
import { FRAME_HEADER_BYTES, type Frame, FrameReader, FrameStreamError, requestFramePrefix } from '../protocol/stream-frame.js';
import { HEADER_LENGTH } from '../protocol/v2-wire.js';
import { MAX_REPLY_BYTES, type Transport, type TransportReply } from './transport.js';
import { NetworkError } from '../errors.js';

interface Pending {
  resolve(r: TransportReply): void;
  reject(e: Error): void;
}

function failure(message: string, code?: string): Error {
  return Object.assign(new NetworkError(message), code ? { cause: { code } } : {});
}

/** One persistent connection to a stream port, with the requests waiting on it. */
class Connection {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  // A reply frame's header and body, the body within the limit every transport applies.
  private readonly reader = new FrameReader(FRAME_HEADER_BYTES + MAX_REPLY_BYTES);
  private nextTag = 1;
  dead = false;

  constructor(host: string, port: number, private readonly onDead: () => void) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.unref();
    this.socket.on('data', (chunk: Buffer) => {
      let frames;
      let broken: Error | undefined;
      try {
        frames = this.reader.push(chunk);
      } catch (e) {
        // Replies read before the bad bytes are good: they answer their requests first.
        frames = e instanceof FrameStreamError ? e.frames : [];
        broken = failure(`malformed stream reply: ${(e as Error).message}`);
      }
      this.deliver(frames);
      if (broken) this.fail(broken);
    });
    this.socket.on('error', (e: NodeJS.ErrnoException) => this.fail(failure(e.message, e.code)));
    this.socket.on('end', () => this.fail(failure('the server closed the connection', 'ECONNRESET')));
    this.socket.on('close', () => this.fail(failure('the connection closed', 'ECONNRESET')));
  }

  /** Hands each reply to its waiting request; a reply nobody waits for (timed out) is dropped. */
  private deliver(frames: readonly Frame[]): void {
    for (const f of frames) {
      if (f.kind !== 'reply') return this.fail(failure('the server sent a request frame'));
      // Tag 0: the server could not read our stream and is closing it.
      if (f.tag === 0) return this.fail(failure(`the server closed the stream: ${new TextDecoder().decode(f.body)}`));
      const p = this.pending.get(f.tag);
      if (!p) continue; // a reply to an abandoned (timed-out) request
      this.pending.delete(f.tag);
      if (this.pending.size === 0) this.socket.unref();
      const headerLength = f.headerLength;
      p.resolve({
        status: f.status,
        header: (name) => (name.toLowerCase() === HEADER_LENGTH && headerLength !== undefined ? String(headerLength) : null),
        body: f.body,
      });
    }
  }

  send(path: string, body: Uint8Array, headerLength: number | undefined, signal: AbortSignal): Promise<TransportReply> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(failure('aborted'));
      const tag = this.nextTag;
      this.nextTag = this.nextTag >= 0xfffffffe ? 1 : this.nextTag + 1;
      const onAbort = () => {
        if (this.pending.delete(tag)) reject(failure('aborted'));
        if (this.pending.size === 0) this.socket.unref();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      this.pending.set(tag, { resolve: (r) => { done(); resolve(r); }, reject: (e) => { done(); reject(e); } });
      this.socket.ref();
      // Prefix and body in one writev, without copying the body into a frame buffer.
      this.socket.cork();
      this.socket.write(requestFramePrefix(tag, path, body.length, headerLength));
      this.socket.write(body);
      this.socket.uncork();
    });
  }

  /** Every waiting request fails (the client retries them on a new connection). */
  private fail(e: Error): void {
    if (!this.dead) {
      this.dead = true;
      this.onDead();
    }
    this.socket.destroy();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(e);
  }
}

const connections = new Map<string, Connection>();

/**
 * The edge client's transport to a `tcp://host:port` stream port of `cleave serve --stream-port`:
 * the v2 request as one frame on a persistent connection, the reply matched by tag. A
 * connection that fails fails its waiting requests (the client retries or falls back) and is
 * replaced on the next request.
 */
export const streamTransport: Transport = (url, body, headers, signal) => {
  let target: Target;
  try {
    target = targetOf(url);
  } catch (e) {
    return Promise.reject(e);
  }
  const { key, host, port, path } = target;
  let c = connections.get(key);
  if (!c || c.dead) {
    const fresh: Connection = new Connection(host, port, () => { if (connections.get(key) === fresh) connections.delete(key); });
    connections.set(key, fresh);
    c = fresh;
  }
  const h = headers[HEADER_LENGTH];
  return c.send(path, body, h === undefined ? undefined : Number(h), signal);
};

interface Target {
  readonly key: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

/** URLs parsed once: a client sends every request to the same one. */
const targets = new Map<string, Target>();

function targetOf(url: string): Target {
  let t = targets.get(url);
  if (t) return t;
  const u = new URL(url);
  if (u.protocol !== 'tcp:') throw failure(`the stream transport takes tcp:// URLs, not ${u.protocol}//`);
  if (u.port === '') throw failure(`stream URL ${url} has no port (tcp://host:port)`);
  t = { key: u.host, host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port), path: u.pathname };
  if (targets.size < 1024) targets.set(url, t);
  return t;
}
