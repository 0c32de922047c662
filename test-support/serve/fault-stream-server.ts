import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { streamTransport } from '../../src/edge/stream-transport.js';
import { FrameReader, type RequestFrame, encodeReplyFrame } from '../../src/protocol/stream-frame.js';

/** What a faulty stream server does with the n-th request frame (n from 1). */
export type StreamFaultAction = (n: number, frame: RequestFrame, socket: Socket, forward: () => Promise<void>) => void | Promise<void>;

export interface FaultStreamServer {
  readonly url: string;
  readonly requests: () => number;
  /** drops every connection at once, as a killed server would */
  kill(): void;
  close(): Promise<void>;
}

/**
 * A stream port standing in for a broken server: slow, dying mid-reply, or replying garbage.
 * `forward` sends the frame to a real stream port at `upstream` and writes its reply back.
 */
export async function faultStreamServer(act: StreamFaultAction, upstream?: string): Promise<FaultStreamServer> {
  let n = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new FrameReader(1 << 26);
    socket.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        if (f.kind !== 'request') continue;
        const forward = async () => {
          if (!upstream) throw new Error('no upstream');
          const r = await streamTransport(`${upstream}${f.path}`, f.body, f.headerLength !== undefined ? { 'inference-header-content-length': String(f.headerLength) } : {}, new AbortController().signal);
          const h = r.header('inference-header-content-length');
          if (!socket.destroyed) socket.write(encodeReplyFrame(f.tag, r.status, r.body, h === null ? undefined : Number(h)));
        };
        void Promise.resolve(act(++n, f, socket, forward)).catch(() => socket.destroy());
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kill = () => { for (const s of sockets) s.destroy(); };
  return {
    url: `tcp://127.0.0.1:${port}`,
    requests: () => n,
    kill,
    close: () => new Promise<void>((r) => { kill(); server.close(() => r()); }),
  };
}
