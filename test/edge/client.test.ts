import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeTransport } from '../../src/edge/node-transport.js';
import { MAX_REPLY_BYTES, fetchTransport } from '../../src/edge/transport.js';
import { NetworkError } from '../../src/errors.js';
import { startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { faultServer } from '../../test-support/serve/fault-server.js';
import { FAST_RETRY, deadPort, expectLocalAfterRetries, expectServerOnRetry, image, predictThroughKill, serveSplitNet } from '../../test-support/serve/edge-fixtures.js';
import { splitNet } from '../../test-support/serve/split-net.js';

for (const [transport, fetchFn] of [['fetch', fetchTransport()], ['node:http', nodeTransport]] as const) describe(`edge client over ${transport}`, () => {
  const split = serveSplitNet({ stream: false, transport: fetchFn });
  const { client } = split;

  it('head here + tail on the server == the whole model (raw codec)', async () => {
    for (let k = 0; k < 4; k++) {
      const x = image(k);
      const p = await client({ head: split.head }).predict(x);
      await split.expectWhole(p, x);
      assert.equal(p.attempts, 1);
      assert.equal(p.cutBytes, 8 * 14 * 14 * 4);
      assert.ok(p.bytesSent > p.cutBytes);
    }
  });

  it('a head with an exit sends only the cut tensor; int8+deflate sends fewer bytes', async () => {
    const raw = await client().predict(image(1));
    const small = await client({ codec: { name: 'int8', deflate: true } }).predict(image(1));
    assert.equal(raw.origin, 'server');
    assert.equal(small.origin, 'server');
    assert.ok(small.bytesSent < raw.bytesSent / 4, `${small.bytesSent} vs ${raw.bytesSent}`);
  });

  it('connection refused: answered locally by the early exit after the retries', async () => {
    const p = await client({ serverUrl: `http://127.0.0.1:${await deadPort()}` }).predict(image(2));
    assert.equal(p.origin, 'local-exit');
    assert.equal(p.attempts, 3);
    assert.match(p.fallbackReason ?? '', /ECONNREFUSED|request failed/);
    const want = (await split.headExit.run(image(2))).exit_logits!;
    assert.deepEqual(p.scores.data, want.data);
  });

  it('connection refused without an exit: the whole model answers; without either: one NetworkError', async () => {
    const url = `http://127.0.0.1:${await deadPort()}`;
    const p = await client({ serverUrl: url, head: split.head, fallback: { full: split.full } }).predict(image(3));
    assert.equal(p.origin, 'local-full');
    assert.deepEqual(p.scores.data, (await split.full.run(image(3))).logits!.data);
    await assert.rejects(client({ serverUrl: url, head: split.head, fallback: {} }).predict(image(3)), NetworkError);
  });

  it('slow server: each attempt times out, the answer is local and given once', async () => {
    const slow = await faultServer(async (_n, _req, _body, res, forward) => {
      await new Promise((r) => setTimeout(r, 700));
      await forward();
      void res;
    }, split.url);
    try {
      const p = await client({ serverUrl: slow.url, retry: { timeoutMs: 150, retries: 1, backoffMs: 5 } }).predict(image(4));
      assert.equal(p.origin, 'local-exit');
      assert.equal(p.attempts, 2);
      assert.match(p.fallbackReason ?? '', /no reply within 150 ms/);
      // (a timed-out attempt may be aborted before the server reads it on a loaded machine)
      assert.ok(slow.requests() >= 1 && slow.requests() <= 2);
    } finally {
      await slow.close();
    }
  });

  it('server dying mid-reply, then recovering: the retry gets the server answer', async () => {
    const flaky = await faultServer(async (n, _req, _body, res, forward) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"model_name":"tail","outp');
        res.destroy();
        return;
      }
      await forward();
    }, split.url);
    await expectServerOnRetry(client({ serverUrl: flaky.url }), flaky, 5);
  });

  const malformed: [string, (res: import('node:http').ServerResponse, body: Buffer) => void][] = [
    ['not JSON', (res) => res.writeHead(200).end('<html>proxy error</html>')],
    ['a reply to another request', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model_name: 'tail', id: 'other', outputs: [{ name: 'logits', datatype: 'FP32', shape: [1, 10], data: new Array(10).fill(0) }] }))],
    ['data not matching the shape', (res) => res.writeHead(200).end(JSON.stringify({ model_name: 'tail', outputs: [{ name: 'logits', datatype: 'FP32', shape: [1, 10], data: [1] }] }))],
    ['a wrong binary header length', (res) => res.writeHead(200, { 'inference-header-content-length': '99999' }).end('{}')],
    ['a 500 error', (res) => res.writeHead(500).end('{"error":"boom"}')],
  ];
  for (const [what, reply] of malformed) {
    it(`malformed reply (${what}): retried, then answered locally, once`, async () => {
      const bad = await faultServer((_n, _req, body, res) => reply(res, body));
      await expectLocalAfterRetries(client({ serverUrl: bad.url }), bad, 6);
    });
  }

  it('a reply over the size limit is given up, declared or endless, and never held whole', async () => {
    const huge = await faultServer((_n, _req, _body, res) => {
      res.writeHead(200, { 'content-length': String(8 * 2 ** 30) });
      res.write('{"model_name":"tail",');
    });
    const endless = await faultServer((_n, _req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      const more = () => { while (!res.destroyed && res.write(chunk)); };
      res.on('drain', more);
      more();
    });
    try {
      for (const fault of [huge, endless]) {
        const p = await client({ serverUrl: fault.url, retry: { ...FAST_RETRY, retries: 0 } }).predict(image(8));
        assert.equal(p.origin, 'local-exit');
        assert.match(p.fallbackReason ?? '', new RegExp(`over the ${MAX_REPLY_BYTES}-byte limit for replies`));
      }
    } finally {
      await huge.close();
      await endless.close();
    }
  });

  it('a 400 is not retried: the request itself is wrong', async () => {
    const p = await client({ tailInput: 'nope' }).predict(image(7));
    assert.equal(p.origin, 'local-exit');
    assert.equal(p.attempts, 1);
    assert.match(p.fallbackReason ?? '', /400.*no input "nope"/);
  });

  it('server killed with requests in flight: every request gets exactly one answer, with its origin', async () => {
    const tail = splitNet('tail');
    // Requests wait in the batcher, so they are inside the server when it dies.
    const doomed = await startServer([await ServedModel.load('tail', tail, tail, { batching: { maxBatch: 64, maxDelayMs: 60_000 } })]);
    try {
      const c = client({ serverUrl: doomed.url, retry: { timeoutMs: 5000, retries: 1, backoffMs: 5 } });
      // Killed: stop listening and drop every connection, mid-request.
      const results = await predictThroughKill(c, 12, () => doomed.metrics.inflight >= 12, () => {
        doomed.app.server.close();
        doomed.app.server.closeAllConnections();
      });
      assert.ok(results.every((p) => ['local-exit', 'server'].includes(p.origin)));
      assert.ok(results.some((p) => p.origin === 'local-exit'));
    } finally {
      await doomed.close().catch(() => undefined);
    }
  });
});
