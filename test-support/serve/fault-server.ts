import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a faulty server does with the n-th request (n from 1): its reply is written by `act`. */
export type FaultAction = (n: number, req: IncomingMessage, body: Buffer, res: ServerResponse, forward: () => Promise<void>) => void | Promise<void>;

export interface FaultServer {
  readonly url: string;
  readonly requests: () => number;
  close(): Promise<void>;
}

/**
 * A plain node:http server standing in for a broken v2 server: slow, dying mid-reply, or
 * replying garbage. `forward` proxies the request to a real server at `upstream`.
 */
export async function faultServer(act: FaultAction, upstream?: string): Promise<FaultServer> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = () => new Promise<void>((resolve, reject) => {
        if (!upstream) { reject(new Error('no upstream')); return; }
        const up = httpRequest(`${upstream}${req.url ?? ''}`, { method: req.method, headers: req.headers }, (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
          ur.on('end', () => resolve());
        });
        up.on('error', reject);
        up.end(body);
      });
      void Promise.resolve(act(++n, req, body, res, forward)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => n,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
