import { Agent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { streamTransport } from './stream-transport.js';
import { MAX_REPLY_BYTES, type Transport, type TransportReply, declaresTooMuch, replyTooLarge } from './transport.js';
import { NetworkError } from '../errors.js';

const agents = { http: new Agent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };

function send(url: string, method: string, body: Uint8Array | undefined, headers: Readonly<Record<string, string>>, signal: AbortSignal | undefined): Promise<{ res: IncomingMessage; data: Buffer }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const secure = u.protocol === 'https:';
    const req = (secure ? httpsRequest : httpRequest)(u, {
      method,
      headers: body !== undefined ? { ...headers, 'content-length': String(body.byteLength) } : headers,
      agent: secure ? agents.https : agents.http,
      ...(signal ? { signal } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const tooLarge = (bytes: number) => {
        reject(replyTooLarge(bytes));
        req.destroy();
      };
      if (declaresTooMuch(res.headers['content-length'])) return tooLarge(Number(res.headers['content-length']));
      res.on('data', (c: Buffer) => {
        total += c.length;
        if (total > MAX_REPLY_BYTES) tooLarge(total);
        else chunks.push(c);
      });
      res.on('error', reject);
      res.on('aborted', () => reject(new NetworkError('the connection closed before the reply was complete')));
      res.on('end', () => {
        if (!res.complete) reject(new NetworkError('the connection closed before the reply was complete'));
        else resolve({ res, data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }); // one chunk
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => reject(Object.assign(new NetworkError(e.message), { cause: { code: e.code } })));
    req.end(body);
  });
}

/**
 * The edge client's transport in Node: node:http with keep-alive sockets and no fetch
 * Request/Response/Headers objects. On this project's 2-CPU test machine that saves about
 * 0.4 ms of CPU per request over Node's fetch, which matters next to a tail of a few ms.
 * `tcp://` URLs go to a server's stream port instead (stream-transport.ts).
 */
export const nodeTransport: Transport = async (url, body, headers, signal): Promise<TransportReply> => {
  if (url.startsWith('tcp:')) return streamTransport(url, body, headers, signal);
  const { res, data } = await send(url, 'POST', body, headers, signal);
  return {
    status: res.statusCode ?? 502,
    header: (name) => {
      const v = res.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
    body: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
};

/** A GET over the same keep-alive sockets (health checks, benchmarks). */
export async function nodeGet(url: string): Promise<{ status: number; body: Buffer }> {
  const { res, data } = await send(url, 'GET', undefined, {}, undefined);
  return { status: res.statusCode ?? 502, body: data };
}
