import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/edge/circuit.js';
import { nodeTransport } from '../../src/edge/node-transport.js';
import { fetchTransport } from '../../src/edge/transport.js';
import { image, serveSplitNet } from '../../test-support/serve/edge-fixtures.js';
import { switchProxy } from '../../test-support/serve/switch-proxy.js';

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

describe('CircuitBreaker', () => {
  it('opens after `failures` requests in a row without an answer; an answer in between resets the count', () => {
    const clock = manualClock();
    const c = new CircuitBreaker({ failures: 3, openMs: 100, now: clock.now });
    c.failed('a', false);
    c.failed('b', false);
    c.answered();
    c.failed('c', false);
    c.failed('d', false);
    assert.equal(c.state, 'closed');
    assert.equal(c.admit(), 'send');
    c.failed('e', false);
    assert.equal(c.state, 'open');
    assert.equal(c.admit(), 'local');
    assert.match(c.reason(), /^circuit open: the server gave no answer to 3 requests in a row \(last: e\)$/);
  });

  it('half-open: one probe at a time after openMs; a failed probe doubles the wait up to maxOpenMs; an answer closes', () => {
    const clock = manualClock();
    const c = new CircuitBreaker({ failures: 1, openMs: 100, maxOpenMs: 300, now: clock.now });
    c.failed('down', false);
    clock.advance(99);
    assert.equal(c.admit(), 'local');
    clock.advance(1);
    assert.equal(c.admit(), 'probe');
    assert.equal(c.state, 'half-open');
    assert.equal(c.admit(), 'local', 'only one probe at a time');
    c.failed('still down', true);
    const waits: number[] = [];
    for (let k = 0; k < 3; k++) {
      let waited = 0;
      while (c.admit() === 'local') { clock.advance(1); waited++; }
      waits.push(waited);
      c.failed('still down', true);
    }
    assert.deepEqual(waits, [200, 300, 300]);
    while (c.admit() === 'local') clock.advance(1);
    c.answered();
    assert.equal(c.state, 'closed');
    assert.equal(c.admit(), 'send');
  });
});

for (const [name, transport, scheme] of [['node:http', nodeTransport, 'http'], ['fetch', fetchTransport(), 'http'], ['stream', nodeTransport, 'tcp']] as const) {
  describe(`edge client circuit breaker (${name})`, () => {
    const split = serveSplitNet({ stream: scheme === 'tcp', transport });

    it('a dead server: once the circuit is open, requests are answered locally with no connection tried; a probe now and then; closed again when the server answers', async () => {
      const upstream = Number(new URL(split.url).port);
      const proxy = await switchProxy(upstream);
      const clock = manualClock();
      const c = split.client({
        serverUrl: `${scheme}://127.0.0.1:${proxy.port}`,
        retry: { timeoutMs: 15_000, retries: 2, backoffMs: 1 },
        circuit: { failures: 3, openMs: 1000, now: clock.now },
      });
      try {
        // Three requests pay the retry budget: three attempts each, one connection per attempt.
        for (let k = 0; k < 3; k++) {
          const p = await c.predict(image(k));
          assert.equal(p.origin, 'local-exit');
          assert.equal(p.attempts, 3);
        }
        assert.equal(proxy.connections(), 9);
        assert.equal(c.circuitState, 'open');
        // Open: answered at once by the early exit, no connection tried.
        const open = await Promise.all(Array.from({ length: 50 }, (_, k) => c.predict(image(k))));
        assert.equal(proxy.connections(), 9);
        assert.equal(new Set(open.map((p) => p.requestId)).size, 50, 'each request answered once');
        for (const p of open) {
          assert.equal(p.origin, 'local-exit');
          assert.equal(p.attempts, 0);
          assert.equal(p.bytesSent, 0);
          assert.match(p.fallbackReason ?? '', /^circuit open: the server gave no answer to 3 requests in a row/);
        }
        // Half-open: one request probes with a single attempt, and fails; the wait doubles.
        clock.advance(1000);
        const probe = await c.predict(image(60));
        assert.equal(probe.attempts, 1);
        assert.equal(probe.origin, 'local-exit');
        assert.equal(proxy.connections(), 10);
        clock.advance(1999);
        assert.equal((await c.predict(image(61))).attempts, 0);
        assert.equal(proxy.connections(), 10);
        // The server is back: the next probe gets its answer and closes the circuit.
        proxy.up(true);
        clock.advance(1);
        const back = await c.predict(image(62));
        await split.expectWhole(back, image(62));
        assert.equal(back.attempts, 1);
        assert.equal(c.circuitState, 'closed');
        await split.expectWhole(await c.predict(image(63)), image(63));
      } finally {
        await proxy.close();
      }
    });
  });
}
