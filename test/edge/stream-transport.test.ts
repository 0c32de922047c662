import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeTransport } from '../../src/edge/node-transport.js';
import { encodeReplyFrame } from '../../src/protocol/stream-frame.js';
import { faultStreamServer } from '../../test-support/serve/fault-stream-server.js';
import { deadPort, expectLocalAfterRetries, expectServerOnRetry, image, predictThroughKill, serveSplitNet } from '../../test-support/serve/edge-fixtures.js';

const encoder = new TextEncoder();

describe('edge client over the stream transport (tcp://)', () => {
  const split = serveSplitNet({ stream: true, transport: nodeTransport });
  const { client } = split;

  it('head here + tail on the server == the whole model, for every codec path', async () => {
    for (let k = 0; k < 4; k++) {
      const x = image(k);
      await split.expectWhole(await client({ head: split.head }).predict(x), x);
    }
    const small = await client({ codec: { name: 'int8', deflate: true } }).predict(image(1));
    assert.equal(small.origin, 'server');
  });

  it('concurrent requests share one connection and each gets its own answer', async () => {
    const c = client({ head: split.head });
    const ps = await Promise.all(Array.from({ length: 16 }, (_, k) => c.predict(image(k))));
    for (const [k, p] of ps.entries()) await split.expectWhole(p, image(k));
  });

  it('a 404 from the stream port is not retried', async () => {
    const p = await client({ model: 'nope' }).predict(image(2));
    assert.equal(p.origin, 'local-exit');
    assert.equal(p.attempts, 1);
    assert.match(p.fallbackReason ?? '', /404.*unknown model "nope"/);
  });

  it('connection refused: answered locally by the early exit after the retries', async () => {
    const p = await client({ serverUrl: `tcp://127.0.0.1:${await deadPort()}` }).predict(image(3));
    assert.equal(p.origin, 'local-exit');
    assert.equal(p.attempts, 3);
    assert.match(p.fallbackReason ?? '', /ECONNREFUSED/);
  });

  it('a tcp:// URL without a port fails each attempt with a clear reason', async () => {
    const p = await client({ serverUrl: 'tcp://127.0.0.1', retry: { retries: 0 } }).predict(image(3));
    assert.equal(p.origin, 'local-exit');
    assert.match(p.fallbackReason ?? '', /has no port \(tcp:\/\/host:port\)/);
  });

  it('slow server: attempts time out, the late replies are dropped, the connection serves on', async () => {
    const slow = await faultStreamServer(async (n, _f, _s, forward) => {
      if (n <= 2) await new Promise((r) => setTimeout(r, 400));
      await forward();
    }, split.url);
    try {
      const p = await client({ serverUrl: slow.url, retry: { timeoutMs: 100, retries: 1, backoffMs: 5 } }).predict(image(4));
      assert.equal(p.origin, 'local-exit');
      assert.equal(p.attempts, 2);
      assert.match(p.fallbackReason ?? '', /no reply within 100 ms/);
      // The late replies to the abandoned attempts arrive on the same connection and must not
      // be taken as the answer to the next request.
      await new Promise((r) => setTimeout(r, 500));
      await split.expectWhole(await client({ serverUrl: slow.url, head: split.head }).predict(image(5)), image(5));
    } finally {
      await slow.close();
    }
  });

  it('server dying mid-reply, then recovering: the retry (on a new connection) gets the server answer', async () => {
    const flaky = await faultStreamServer(async (n, f, socket, forward) => {
      if (n === 1) {
        socket.end(encodeReplyFrame(f.tag, 200, encoder.encode('{"model_name":"tail","outputs":[]}')).subarray(0, 20));
        socket.destroy();
        return;
      }
      await forward();
    }, split.url);
    await expectServerOnRetry(client({ serverUrl: flaky.url }), flaky, 6);
  });

  const malformed: [string, (tag: number) => Uint8Array][] = [
    ['not JSON', (tag) => encodeReplyFrame(tag, 200, encoder.encode('<html>proxy error</html>'))],
    ['a wrong header length', (tag) => encodeReplyFrame(tag, 200, encoder.encode('{}'), 99_999)],
    ['a 503', (tag) => encodeReplyFrame(tag, 503, encoder.encode('{"error":"busy"}'))],
    ['garbage bytes', () => encoder.encode('HTTP/1.1 200 OK\r\n\r\n')],
  ];
  for (const [what, reply] of malformed) {
    it(`malformed reply (${what}): retried, then answered locally, once`, async () => {
      const bad = await faultStreamServer((_n, f, socket) => { socket.write(reply(f.tag)); });
      await expectLocalAfterRetries(client({ serverUrl: bad.url }), bad, 7);
    });
  }

  it('a good reply then garbage in one TCP chunk: the request gets the good reply, later ones a new connection', async () => {
    const garbled = await faultStreamServer(async (n, _f, socket, forward) => {
      if (n === 1) {
        // The reply and the garbage leave in one write, so they arrive in one chunk.
        const write = socket.write.bind(socket);
        socket.write = ((chunk: Uint8Array) => write(new Uint8Array([...chunk, ...encoder.encode('garbage garbage')]))) as typeof socket.write;
      }
      await forward();
    }, split.url);
    try {
      const first = await client({ serverUrl: garbled.url, head: split.head }).predict(image(8));
      await split.expectWhole(first, image(8));
      assert.equal(first.attempts, 1);
      await split.expectWhole(await client({ serverUrl: garbled.url, head: split.head }).predict(image(9)), image(9));
    } finally {
      await garbled.close();
    }
  });

  it('server killed with 12 requests in flight: every request gets exactly one answer, with its origin', async () => {
    // The first 12 requests are held; then every connection drops at once. Retries reach a server that answers.
    let held = 0;
    const doomed = await faultStreamServer(async (n, _f, _s, forward) => {
      if (n <= 12) { held++; return; }
      await forward();
    }, split.url);
    try {
      const c = client({ serverUrl: doomed.url, retry: { timeoutMs: 5000, retries: 1, backoffMs: 5 } });
      const results = await predictThroughKill(c, 12, () => held >= 12, () => doomed.kill());
      assert.ok(results.every((p) => p.origin === 'server' && p.attempts === 2));
    } finally {
      await doomed.close();
    }
  });
});
