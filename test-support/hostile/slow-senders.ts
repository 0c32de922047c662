import { type Socket, connect } from 'node:net';
import { requestFramePrefix } from '../../src/protocol/stream-frame.js';
import { INFER_PATH, httpRequest } from './requests.js';

/** Clients that each send part of a large body and then stall, holding their connections open. */
export interface SlowSenders {
  /** how many the server refused (a reply came back: 503) or closed, per transport */
  refused(): { readonly http: number; readonly stream: number };
  /** bytes the server holds when it holds every sender it did not refuse, whole (stream frames count their prefix too) */
  heldIfAllIn(): number;
  close(): void;
}

export interface SlowSendersOptions {
  readonly httpPort: number;
  readonly streamPort: number;
  /** HTTP clients and stream clients */
  readonly http: number;
  readonly stream: number;
  /** the body each declares, and the part of it each sends before it stalls */
  readonly declaredBytes: number;
  readonly sentBytes: number;
}

/** Opens the slow senders; each writes its headers (or frame prefix) and `sentBytes` of body at once. */
export function slowSenders(o: SlowSendersOptions): SlowSenders {
  const sockets: Socket[] = [];
  const refused = { http: 0, stream: 0 };
  // One buffer for all: the clients' own memory stays small while the server's is measured.
  const part = new Uint8Array(o.sentBytes);
  const open = (kind: 'http' | 'stream', port: number, head: Uint8Array) => {
    const s = connect({ host: '127.0.0.1', port });
    let answered = false;
    const refuse = () => {
      if (!answered) refused[kind]++;
      answered = true;
    };
    s.on('data', refuse);
    s.on('close', refuse);
    s.on('error', () => undefined);
    s.write(head);
    s.write(part);
    sockets.push(s);
  };
  for (let k = 0; k < o.http; k++) {
    open('http', o.httpPort, httpRequest('', { 'content-length': String(o.declaredBytes), 'inference-header-content-length': '64' }));
  }
  const prefix = requestFramePrefix(1, INFER_PATH, o.declaredBytes, 64).length;
  for (let k = 0; k < o.stream; k++) open('stream', o.streamPort, requestFramePrefix(k + 1, INFER_PATH, o.declaredBytes, 64));
  return {
    refused: () => ({ ...refused }),
    heldIfAllIn: () => (o.http - refused.http) * o.sentBytes + (o.stream - refused.stream) * (prefix + o.sentBytes),
    close: () => { for (const s of sockets) s.destroy(); },
  };
}
