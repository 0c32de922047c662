import { type Server, type Socket, createServer } from 'node:net';
import { type InferCore, errorBody, errorMessage, statusOf } from './infer-core.js';
import { FRAME_HEADER_BYTES, FrameReader, encodeReplyFrame, parseInferPath } from '../protocol/stream-frame.js';

export interface StreamServerOptions {
  readonly host: string;
  /** 0: any free port */
  readonly port: number;
  /** largest request body; a larger frame closes the connection after an error reply */
  readonly bodyLimitBytes: number;
  /** a connection with nothing in flight for this long is closed (default 5 minutes) */
  readonly idleTimeoutMs?: number;
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

/**
 * cleave's stream transport beside the REST endpoints: v2 inference requests as frames over
 * persistent TCP connections (see protocol/stream-frame.ts), answered by the same InferCore. It skips
 * an HTTP exchange per request, which bench/serve shows costing far more than a frame next to
 * a tail of a few ms.
 */
export async function startStreamServer(core: InferCore, options: StreamServerOptions): Promise<RunningStreamServer> {
  const sockets = new Map<Socket, { inflight: number }>();
  let closing = false;
  const server: Server = createServer((socket) => {
    const state = { inflight: 0 };
    sockets.set(socket, state);
    socket.setNoDelay(true);
    socket.setTimeout(options.idleTimeoutMs ?? 300_000, () => {
      if (state.inflight === 0) socket.end();
    });
    const reader = new FrameReader(FRAME_HEADER_BYTES + 1024 + options.bodyLimitBytes);
    socket.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = reader.push(chunk);
      } catch (e) {
        // The stream cannot be resynchronised after a bad frame: say why (tag 0), then close.
        const status = statusOf(e);
        socket.end(encodeReplyFrame(0, status, errorBody(errorMessage(e, status))));
        return;
      }
      for (const f of frames) {
        if (f.kind !== 'request') {
          socket.end(encodeReplyFrame(f.tag, 400, errorBody('a client sent a reply frame; only request frames are accepted')));
          return;
        }
        state.inflight++;
        void (async () => {
          let reply;
          try {
            const { name, version } = parseInferPath(f.path);
            reply = await core.infer(name, version, f.body, () => f.headerLength);
          } catch (e) {
            const status = statusOf(e);
            reply = { status, body: errorBody(errorMessage(e, status)) };
          }
          state.inflight--;
          if (!socket.destroyed) {
            socket.write(encodeReplyFrame(f.tag, reply.status, reply.body, reply.headerLength));
            if (socket.writableLength > MAX_UNREAD_REPLY_BYTES && !socket.isPaused()) {
              socket.pause();
              socket.once('drain', () => socket.resume());
            }
          }
          if (closing && state.inflight === 0) socket.end();
        })();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    if (closing) socket.end();
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
      for (const [s, st] of sockets) if (st.inflight === 0) s.end();
      const deadline = setTimeout(() => { for (const s of sockets.keys()) s.destroy(); }, graceMs);
      try {
        await stopped;
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}
