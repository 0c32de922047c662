import { connect } from 'node:net';
import { FrameReader, FrameStreamError, type ReplyFrame } from '../../src/protocol/stream-frame.js';

/** One thing a hostile client does on its connection, in order. */
export type Step =
  | { readonly write: Uint8Array | string }
  /** one byte every `everyMs`, until the bytes run out or the server closes */
  | { readonly trickle: Uint8Array | string; readonly everyMs: number }
  | { readonly wait: number }
  /** half-close: nothing more will be sent */
  | { readonly end: true }
  /** drop the connection (a client that vanishes mid-request) */
  | { readonly destroy: true };

/** What came back on the connection. */
export interface RawOutcome {
  /** HTTP: each whole reply's status and body text, in order */
  readonly replies: readonly { readonly status: number; readonly body: string }[];
  /** stream port: each reply frame */
  readonly frames: readonly ReplyFrame[];
  /** the server closed the connection (or reset it) */
  readonly closed: boolean;
  /** the deadline passed with the connection open and the replies awaited missing */
  readonly hung: boolean;
  /** bytes back that were neither whole HTTP replies nor whole frames */
  readonly leftover: number;
  /** the start of those bytes, as text (for the failure message) */
  readonly leftoverText: string;
}

export interface ExchangeOptions {
  readonly port: number;
  readonly protocol: 'http' | 'stream';
  readonly steps: readonly Step[];
  /** stop waiting once this many replies (HTTP) or frames (stream) are in: the connection may stay open */
  readonly replies?: number;
  /** a connection still open and short of its replies after this long is hung (ms) */
  readonly deadlineMs: number;
}

const bytesOf = (b: Uint8Array | string): Uint8Array => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b);

/** Whole HTTP/1.1 replies at the start of `buf` (Content-Length framed, as the server sends them). */
function httpReplies(buf: Buffer): { replies: { status: number; body: string }[]; used: number } {
  const replies: { status: number; body: string }[] = [];
  let p = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', p);
    if (end < 0) break;
    const head = buf.subarray(p, end).toString('latin1');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!status || !length) break;
    const bodyEnd = end + 4 + Number(length[1]);
    if (buf.length < bodyEnd) break;
    replies.push({ status: Number(status[1]), body: buf.subarray(end + 4, bodyEnd).toString('utf8') });
    p = bodyEnd;
  }
  return { replies, used: p };
}

/**
 * A hostile client: opens a raw TCP connection to an HTTP or stream port, plays `steps`, and
 * collects what comes back until the server closes the connection, the replies awaited are in,
 * or the deadline passes (then the outcome says `hung`). It never throws for what the server
 * does: refusing, resetting or closing are outcomes.
 */
export function exchange(o: ExchangeOptions): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: o.port });
    const reader = new FrameReader(1 << 30);
    let received = Buffer.alloc(0);
    const frames: ReplyFrame[] = [];
    let streamBroken = 0;
    let closed = false;
    let settled = false;
    const outcome = (hung: boolean): RawOutcome => {
      const http = o.protocol === 'http' ? httpReplies(received) : { replies: [], used: 0 };
      const leftover = o.protocol === 'http' ? received.length - http.used : streamBroken;
      return { replies: http.replies, frames, closed, hung, leftover, leftoverText: received.subarray(http.used, http.used + 300).toString('latin1') };
    };
    const settle = (hung: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      const result = outcome(hung);
      socket.destroy();
      resolve(result);
    };
    const enough = () => {
      if (o.replies === undefined) return false;
      return o.protocol === 'http' ? httpReplies(received).replies.length >= o.replies : frames.length >= o.replies;
    };
    const deadline = setTimeout(() => settle(!enough()), o.deadlineMs);
    socket.on('data', (c: Buffer) => {
      if (o.protocol === 'http') received = Buffer.concat([received, c]);
      else {
        try {
          for (const f of reader.push(c)) if (f.kind === 'reply') frames.push(f);
        } catch (e) {
          if (e instanceof FrameStreamError) for (const f of e.frames) if (f.kind === 'reply') frames.push(f);
          streamBroken += c.length;
        }
      }
      if (enough()) settle(false);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      settle(false);
    });
    void (async () => {
      for (const step of o.steps) {
        if (closed || settled) return;
        if ('write' in step) socket.write(bytesOf(step.write));
        else if ('trickle' in step) {
          for (const b of bytesOf(step.trickle)) {
            if (closed || settled) return;
            socket.write(Uint8Array.of(b));
            await new Promise((r) => setTimeout(r, step.everyMs));
          }
        } else if ('wait' in step) await new Promise((r) => setTimeout(r, step.wait));
        else if ('end' in step) socket.end();
        else socket.destroy();
      }
    })();
  });
}
