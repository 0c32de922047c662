import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

export interface SwitchProxy {
  /** the proxy's port: http://127.0.0.1:PORT or tcp://127.0.0.1:PORT reach the upstream through it */
  readonly port: number;
  /** connections accepted so far, dropped or passed on */
  readonly connections: () => number;
  /** up: connections pass to the upstream; down: each is dropped as soon as it is accepted */
  up(on: boolean): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a server that can play dead: while down it accepts each connection
 * and drops it at once (what a client sees of a crashed server behind a load balancer), while
 * up it passes bytes both ways. It counts connections, so tests can tell how often a client
 * tried the server without looking at a clock.
 */
export async function switchProxy(upstreamPort: number): Promise<SwitchProxy> {
  let count = 0;
  let alive = false;
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    if (!alive) {
      socket.destroy();
      return;
    }
    const up = connect({ host: '127.0.0.1', port: upstreamPort });
    open.add(up);
    up.on('close', () => { open.delete(up); socket.destroy(); });
    up.on('error', () => up.destroy());
    socket.on('close', () => up.destroy());
    socket.pipe(up);
    up.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    up: (on) => {
      alive = on;
      if (!on) for (const s of open) s.destroy();
    },
    close: () => new Promise<void>((r) => {
      for (const s of open) s.destroy();
      server.close(() => r());
    }),
  };
}
