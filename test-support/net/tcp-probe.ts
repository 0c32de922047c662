/**
 * A tiny TCP sender/receiver for the real-link validation, run inside a network namespace with
 * `ip netns exec NS node tcp-probe.js ...`.
 *
 *   node tcp-probe.js recv PORT
 *     Listens on PORT; per connection reads a 4-byte big-endian length and that many bytes, then
 *     answers with one byte (the application-level acknowledgement) and closes.
 *   node tcp-probe.js send HOST PORT SIZES REPEATS GAP_MS
 *     For each size (comma-separated bytes) and each repeat, opens a new connection, writes the
 *     length and the payload in one write, and times from just before connect() to the arrival
 *     of the receiver's byte. Prints one JSON object per transfer on stdout.
 */
import { connect, createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

function receive(port: number): void {
  const server = createServer({ noDelay: true }, (sock: Socket) => {
    let expected = -1;
    let got = 0;
    let header = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      if (expected < 0) {
        header = Buffer.concat([header, chunk]);
        if (header.length < 4) return;
        expected = header.readUInt32BE(0);
        got = header.length - 4;
      } else {
        got += chunk.length;
      }
      if (got >= expected) sock.end(Buffer.from([1]));
    });
    sock.on('error', () => sock.destroy());
  });
  server.listen(port, '0.0.0.0', () => process.stdout.write('listening\n'));
}

function once(host: string, port: number, payload: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const sock = connect({ host, port, noDelay: true });
    const frame = Buffer.alloc(payload.length + 4);
    frame.writeUInt32BE(payload.length, 0);
    payload.copy(frame, 4);
    sock.on('connect', () => sock.write(frame));
    sock.on('data', () => {
      const ms = performance.now() - t0;
      sock.destroy();
      resolve(ms);
    });
    sock.on('error', reject);
  });
}

async function send(host: string, port: number, sizes: number[], repeats: number, gapMs: number): Promise<void> {
  for (const size of sizes) {
    const payload = Buffer.alloc(size, 0x5a);
    for (let r = 0; r < repeats; r++) {
      const ms = await once(host, port, payload);
      process.stdout.write(`${JSON.stringify({ bytes: size, ms })}\n`);
      await new Promise((res) => setTimeout(res, gapMs));
    }
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'recv') {
  receive(Number(args[0]));
} else if (mode === 'send') {
  const [host, port, sizes, repeats, gap] = args;
  send(String(host), Number(port), String(sizes).split(',').map(Number), Number(repeats), Number(gap)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`tcp-probe: ${String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  process.stderr.write('usage: tcp-probe.js recv PORT | send HOST PORT SIZES REPEATS GAP_MS\n');
  process.exit(2);
}
