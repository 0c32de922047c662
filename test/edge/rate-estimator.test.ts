import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateEstimator } from '../../src/edge/rate-estimator.js';
import { BadRequestError } from '../../src/errors.js';

/** The time a request of `bytes` takes at `mbps` with the server's and the round trip's time on top. */
const requestMs = (bytes: number, mbps: number, serverMs = 0, rttMs = 0) => (8 * bytes) / (mbps * 1000) + serverMs + rttMs;

describe('RateEstimator', () => {
  it('a request\'s rate: 8 bytes over its time less the server\'s and the round trip, in Mbit/s', () => {
    const r = new RateEstimator({ rttMs: 4, minSamples: 1 });
    // 125 000 bytes in 100 ms on the wire = 10 Mbit/s; 30 ms in the server, 4 ms of round trip.
    assert.equal(r.observe(125_000, 134, 30), 10);
    assert.equal(r.mbps, 10);
  });

  it('no estimate before minSamples requests; requests with no time on the wire are skipped', () => {
    const r = new RateEstimator({ window: 5, minSamples: 3 });
    r.observe(1000, requestMs(1000, 8));
    r.observe(1000, requestMs(1000, 8));
    assert.equal(r.mbps, undefined);
    assert.equal(r.observe(1000, 5, 6), undefined, 'the server says it took longer than the whole request');
    assert.equal(r.observe(0, 5), undefined);
    assert.equal(r.mbps, undefined);
    assert.deepEqual(r.counts, { measured: 2, skipped: 2 });
    r.observe(1000, requestMs(1000, 8));
    assert.ok(Math.abs(Number(r.mbps) - 8) < 1e-9);
  });

  it('the median ignores two stalls in a window of five', () => {
    const r = new RateEstimator({ window: 5 });
    const bytes = 50_000;
    for (let i = 0; i < 5; i++) r.observe(bytes, requestMs(bytes, 20, 3), 3);
    // Two requests stalled by a 2 s retransmission timeout, back to back.
    r.observe(bytes, requestMs(bytes, 20) + 2000);
    r.observe(bytes, requestMs(bytes, 20) + 2000);
    assert.ok(Math.abs(r.mbps! - 20) < 1e-9, `estimate ${r.mbps}`);
  });

  it('a step change of the rate moves the estimate after ceil(window / 2) requests', () => {
    const r = new RateEstimator({ window: 5 });
    const bytes = 200_000;
    for (let i = 0; i < 5; i++) r.observe(bytes, requestMs(bytes, 50));
    r.observe(bytes, requestMs(bytes, 2));
    r.observe(bytes, requestMs(bytes, 2));
    assert.ok(Math.abs(r.mbps! - 50) < 1e-9);
    r.observe(bytes, requestMs(bytes, 2));
    assert.ok(Math.abs(r.mbps! - 2) < 1e-9);
  });

  it('an even count takes the geometric mean of the middle two', () => {
    const r = new RateEstimator({ window: 4, minSamples: 2 });
    r.observe(1000, requestMs(1000, 2));
    r.observe(1000, requestMs(1000, 8));
    assert.ok(Math.abs(r.mbps! - 4) < 1e-9);
  });

  it('bad options are refused', () => {
    assert.throws(() => new RateEstimator({ window: 0 }), BadRequestError);
    assert.throws(() => new RateEstimator({ window: 3, minSamples: 4 }), BadRequestError);
    assert.throws(() => new RateEstimator({ rttMs: -1 }), BadRequestError);
    assert.throws(() => new RateEstimator({ window: 2.5 }), BadRequestError);
  });
});
