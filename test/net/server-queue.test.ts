import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventCore } from '../../src/net/event-core.js';
import { erlangC, waitMD1, waitMM1, waitMMk } from '../../src/net/queueing.js';
import { Random } from '../../src/net/random.js';
import { ServerQueue } from '../../src/net/server-queue.js';

/** Poisson arrivals at `lambda` into k workers with service drawn by `service`; mean wait. */
function simulateWait(lambda: number, k: number, service: (rng: Random) => number, jobs: number, seed: number): { wait: number; util: number } {
  const core = new EventCore();
  const rng = new Random(seed);
  const arrivals = rng.fork();
  const services = rng.fork();
  const server = new ServerQueue(core, k, () => service(services), () => undefined);
  let made = 0;
  const arrive = (_: number): void => {
    server.submit(made++);
    if (made < jobs) core.schedule(arrivals.exponential(1 / lambda), arrive, 0);
  };
  core.schedule(arrivals.exponential(1 / lambda), arrive, 0);
  core.run();
  server.settle(core.now);
  return { wait: server.stats.waitSum / server.stats.served, util: server.stats.busyIntegral / (k * core.now) };
}

describe('ServerQueue against queueing theory', () => {
  it('M/M/1: mean wait within 5% of rho / (mu - lambda) over a long seeded run', () => {
    const lambda = 0.5;
    const mu = 1;
    const { wait, util } = simulateWait(lambda, 1, (r) => r.exponential(1 / mu), 400_000, 11);
    const theory = waitMM1(lambda, mu); // = 1
    assert.ok(Math.abs(wait - theory) / theory < 0.05, `simulated ${wait}, theory ${theory}`);
    assert.ok(Math.abs(util - 0.5) < 0.01, `utilisation ${util}`);
  });

  it('M/D/1: mean wait within 5% of rho / (2 mu (1 - rho))', () => {
    const { wait } = simulateWait(0.6, 1, () => 1, 200_000, 5);
    const theory = waitMD1(0.6, 1);
    assert.ok(Math.abs(wait - theory) / theory < 0.05, `simulated ${wait}, theory ${theory}`);
  });

  it('M/M/3: mean wait within 7% of the Erlang-C formula', () => {
    const { wait } = simulateWait(2.4, 3, (r) => r.exponential(1), 300_000, 3);
    const theory = waitMMk(2.4, 1, 3);
    assert.ok(Math.abs(wait - theory) / theory < 0.07, `simulated ${wait}, theory ${theory}`);
  });

  it('closed forms: known values and instability', () => {
    assert.equal(waitMM1(0.5, 1), 1);
    assert.equal(waitMD1(0.5, 1), 0.5);
    assert.ok(Math.abs(erlangC(1, 1, 1) - 1) < 1e-12);
    // Erlang C for a = 2, k = 3: 4/9 (textbook value 0.4444).
    assert.ok(Math.abs(erlangC(2, 1, 3) - 4 / 9) < 1e-12);
    assert.equal(waitMMk(0.5, 1, 1), waitMM1(0.5, 1));
    assert.equal(waitMM1(1, 1), Infinity);
    assert.equal(waitMMk(3, 1, 3), Infinity);
  });

  it('rejects a non-integer or zero worker count', () => {
    assert.throws(() => new ServerQueue(new EventCore(), 0, () => 1, () => undefined), /workers/);
    assert.throws(() => new ServerQueue(new EventCore(), 1.5, () => 1, () => undefined), /workers/);
  });
});
