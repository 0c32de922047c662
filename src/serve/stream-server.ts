import { type Server, type Socket, createServer } from 'node:net';
import { type InferCore, errorBody, errorMessage, statusOf } from './infer-core.js';
import type { BodyBudget, ResolvedLimits } from './limits.js';
import { FRAME_HEADER_BYTES, type Frame, FrameReader, FrameStreamError, type RequestFrame, encodeReplyFrame, parseInferPath } from '../protocol/stream-frame.js';

export interface StreamServerOptions {
  readonly host: string;
  /** 0: any free port */
  readonly port: number;
  /** body limit, timeouts and connection cap (see ConnectionLimits) */
  readonly limits: ResolvedLimits;
  /** bytes of request bodies held over both transports */
  readonly budget: BodyBudget;
}

/**
 * Replies a client has not read yet, per connection, before this server stops reading its
 * requests: a client that sends without reading cannot make the server buffer without bound.
 */
const MAX_UNREAD_REPLY_BYTES = 16 * 1024 * 1024;

export interface RunningStreamServer {
  /** e.g. tcp://127.0.0.1:40124 */
  readonly url: string;
  readonly port: number;
  /** stops accepting, lets requests in flight answer, then closes every connection */
  close(graceMs: number): Promise<void>;
}

/** Ends a connection after `last`, and destroys it if the peer has not closed its side within `lingerMs`. */
function finish(socket: Socket, last: Uint8Array | undefined, lingerMs: number): void {
  if (last) socket.end(last);
  else socket.end();
  socket.setTimeout(lingerMs, () => socket.destroy());
}

/** Why a connection stopped being read: backpressure (resumes) or a broken stream (never). */
type Pause = 'unread-replies' | 'requests-in-flight' | 'broken';

/**
 * One connection: its frame reader, the requests in flight and the bytes they hold. A frame
 * has `requestTimeoutMs` to arrive once its first byte is in; a broken stream (garbage, a frame
 * too long or too late) gets the requests it had already sent answered, then one error reply
 * (tag 0) and the end of the connection.
 */
class StreamConnection {
  private readonly reader: FrameReader;
  inflight = 0;
  private inflightBytes = 0;
  /** bytes taken from the budget: the reader's partial frame and the bodies in flight */
  private held = 0;
  private readonly pauses = new Set<Pause>();
  private frameTimer: NodeJS.Timeout | undefined;
  private farewell: Uint8Array | undefined;
  private peerEnded = false;

  constructor(
    private readonly socket: Socket,
    private readonly core: InferCore,
    private readonly limits: ResolvedLimits,
    private readonly budget: BodyBudget,
    private readonly closing: () => boolean,
  ) {
    this.reader = new FrameReader(FRAME_HEADER_BYTES + 1024 + limits.bodyLimitBytes);
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on('timeout', () => {
      if (this.inflight === 0 && !socket.writableEnded) finish(socket, undefined, limits.headersTimeoutMs);
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // The peer is done sending (half-close): answer what it sent, then close; a frame cut short never will be whole.
    socket.on('end', () => {
      if (this.reader.bufferedBytes > 0) return this.break(400, 'the client ended the stream inside a frame');
      this.peerEnded = true;
      if (this.inflight === 0) finish(socket, this.farewell, limits.headersTimeoutMs);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(this.frameTimer);
      this.dropPartial();
    });
  }

  /** Gives back the bytes of a partial frame that will never be read; bodies in flight give theirs when answered. */
  private dropPartial(): void {
    const partial = this.held - this.inflightBytes;
    this.budget.give(partial);
    this.held -= partial;
  }

  private receive(chunk: Buffer): void {
    if (this.farewell) return;
    if (!this.budget.take(chunk.length)) return this.break(503, this.budget.refusal());
    this.held += chunk.length;
    let frames: readonly Frame[];
    let error: FrameStreamError | undefined;
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      error = e instanceof FrameStreamError ? e : new FrameStreamError((e as Error).message, []);
      frames = error.frames;
    }
    for (const f of frames) {
      if (f.kind !== 'request') return this.break(400, 'a client sent a reply frame; only request frames are accepted', f.tag);
      this.start(f);
    }
    // The budget holds what is still here: a partial frame and the bodies in flight.
    const now = this.reader.bufferedBytes + this.inflightBytes;
    this.budget.give(this.held - now);
    this.held = now;
    if (error) return this.break(statusOf(error), errorMessage(error, statusOf(error)));
    // A frame is timed from its first byte: a completed frame starts the clock for the next.
    if (frames.length > 0 || !this.frameTimer) this.restartFrameTimer();
    this.flow();
  }

  /** Times the partial frame in the reader, if any, from now. */
  private restartFrameTimer(): void {
    clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
    if (this.reader.bufferedBytes === 0 || this.pauses.size > 0) return;
    this.frameTimer = setTimeout(() => {
      this.break(408, `a stream frame took more than ${this.limits.requestTimeoutMs} ms to arrive`);
    }, this.limits.requestTimeoutMs);
  }

  /** Reads or stops reading as the pauses say; a frame is not timed while this side holds it back. */
  private flow(): void {
    const big = this.inflightBytes > this.limits.bodyLimitBytes;
    if (big) this.pauses.add('requests-in-flight');
    else this.pauses.delete('requests-in-flight');
    if (this.pauses.size > 0) {
      if (!this.socket.isPaused()) this.socket.pause();
      clearTimeout(this.frameTimer);
      this.frameTimer = undefined;
    } else if (this.socket.isPaused()) {
      this.socket.resume();
      this.restartFrameTimer();
    }
  }

  private start(f: RequestFrame): void {
    this.inflight++;
    this.inflightBytes += f.body.length;
    void (async () => {
      let reply;
      try {
        const { name, version } = parseInferPath(f.path);
        reply = await this.core.infer(name, version, f.body, () => f.headerLength);
      } catch (e) {
        const status = statusOf(e);
        reply = { status, body: errorBody(errorMessage(e, status)) };
      }
      this.inflight--;
      this.inflightBytes -= f.body.length;
      this.budget.give(f.body.length);
      this.held -= f.body.length;
      if (!this.socket.destroyed) {
        this.socket.write(encodeReplyFrame(f.tag, reply.status, reply.body, reply.headerLength));
        if (this.socket.writableLength > MAX_UNREAD_REPLY_BYTES && !this.pauses.has('unread-replies')) {
          this.pauses.add('unread-replies');
          this.socket.once('drain', () => {
            this.pauses.delete('unread-replies');
            this.flow();
          });
        }
      }
      this.flow();
      if (this.inflight === 0 && (this.farewell || this.peerEnded || this.closing())) finish(this.socket, this.farewell, this.limits.headersTimeoutMs);
    })();
  }

  /**
   * The stream cannot go on: stop reading, let the requests already read answer, then say why
   * (tag 0, or the offending frame's tag) and close.
   */
  private break(status: number, message: string, tag = 0): void {
    if (this.farewell) return;
    this.farewell = encodeReplyFrame(tag, status, errorBody(message));
    this.pauses.add('broken');
    this.flow();
    this.dropPartial();
    if (this.inflight === 0) finish(this.socket, this.farewell, this.limits.headersTimeoutMs);
  }

  /** At shutdown: idle connections end now, busy ones once their replies are out. */
  endIfIdle(): void {
    if (this.inflight === 0) finish(this.socket, this.farewell, this.limits.headersTimeoutMs);
  }
}

/**
 * cleave's stream transport beside the REST endpoints: v2 inference requests as frames over
 * persistent TCP connections (see protocol/stream-frame.ts), answered by the same InferCore. It skips
 * an HTTP exchange per request, which bench/serve shows costing far more than a frame next to
 * a tail of a few ms.
 */
export async function startStreamServer(core: InferCore, options: StreamServerOptions): Promise<RunningStreamServer> {
  const { limits } = options;
  const connections = new Map<Socket, StreamConnection>();
  let closing = false;
  // Half-open: a client may send its last frames and end its side, and still get the replies.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    if (connections.size >= limits.maxConnections) {
      socket.on('error', () => socket.destroy());
      finish(socket, encodeReplyFrame(0, 503, errorBody(`the server has ${limits.maxConnections} stream connections open, its limit; retry later`)), limits.headersTimeoutMs);
      return;
    }
    const c = new StreamConnection(socket, core, limits, options.budget, () => closing);
    connections.set(socket, c);
    socket.on('close', () => connections.delete(socket));
    if (closing) c.endIfIdle();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `tcp://${host}:${port}`,
    port,
    close: async (graceMs) => {
      closing = true;
      const stopped = new Promise<void>((r) => server.close(() => r()));
      for (const c of connections.values()) c.endIfIdle();
      const deadline = setTimeout(() => { for (const s of connections.keys()) s.destroy(); }, graceMs);
      try {
        await stopped;
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}
