import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_HOST_OVERHEAD_MS, estimateTransfer } from '../../src/net/analytic.js';
import type { PathSpec } from '../../src/net/path.js';
import { simulateTransfer } from '../../src/net/transfer-sim.js';

const path = (over: Partial<PathSpec> = {}): PathSpec => ({ uplinkBps: 1e6, downlinkBps: 1e6, rttMs: 50, lossRate: 0, mtu: 1500, ...over });

/**
 * When the pipe is full from the first window (BDP < 10 packets) the transfer is closed form:
 * handshake (RTT + SYN and SYN-ACK serialisation) + all packets at the link rate + RTT (last
 * byte there, reply back) + the reply's serialisation.
 */
function closedFormMs(bytes: number, p: PathSpec, replyBytes = 1): number {
  const mss = p.mtu - 52;
  const n = Math.ceil(bytes / mss);
  const wire = bytes + n * 52;
  return p.rttMs + ((2 * 60 * 8) / p.uplinkBps) * 1000 + ((wire * 8) / p.uplinkBps) * 1000 + p.rttMs + (((replyBytes + 52) * 8) / p.downlinkBps) * 1000;
}

describe('estimateTransfer', () => {
  it('matches the closed form when the first window fills the pipe', () => {
    for (const bytes of [10_000, 100_000, 1_000_000]) {
      const e = estimateTransfer(bytes, path());
      assert.ok(Math.abs(e.typicalMs - DEFAULT_HOST_OVERHEAD_MS - closedFormMs(bytes, path())) < 1e-6, `${bytes}: ${e.typicalMs}`);
      assert.equal(e.ms, e.typicalMs);
    }
  });

  it('counts packets and header bytes from the MTU (MSS 1448 at 1500)', () => {
    const e = estimateTransfer(1_000_000, path());
    assert.equal(e.packets, 691);
    assert.equal(e.wireBytes, 1_000_000 + 691 * 52);
  });

  it('adds slow-start rounds on a long fat pipe', () => {
    const fat = path({ uplinkBps: 100e6, downlinkBps: 100e6, rttMs: 200, congestionControl: 'cubic' });
    const e = estimateTransfer(1_000_000, fat);
    // 10, 20, 40, 80, 160, 320 packets: the last round carries the remaining 61.
    assert.equal(e.rounds, 7);
    assert.ok(e.typicalMs > 7 * 200 && e.typicalMs < 8 * 200 + 100, String(e.typicalMs));
  });

  it('loss adds expected time; the mean is at least the typical time', () => {
    const clean = estimateTransfer(1_000_000, path({ uplinkBps: 10e6, downlinkBps: 10e6 }));
    const lossy = estimateTransfer(1_000_000, path({ uplinkBps: 10e6, downlinkBps: 10e6, lossRate: 0.01 }));
    assert.ok(lossy.typicalMs > clean.typicalMs);
    assert.ok(lossy.ms >= lossy.typicalMs);
    assert.ok(lossy.lossMs > 0);
  });

  it('loss-based congestion control is slower than BBR under random loss', () => {
    const p = path({ uplinkBps: 100e6, downlinkBps: 100e6, rttMs: 50, lossRate: 0.01 });
    const bbr = estimateTransfer(1_000_000, { ...p, congestionControl: 'bbr' }).ms;
    const reno = estimateTransfer(1_000_000, { ...p, congestionControl: 'reno' }).ms;
    assert.ok(reno > bbr, `reno ${reno} bbr ${bbr}`);
  });

  it('no handshake on a kept-open connection saves one RTT', () => {
    const a = estimateTransfer(50_000, path());
    const b = estimateTransfer(50_000, path(), { handshake: false });
    assert.ok(Math.abs(a.typicalMs - b.typicalMs - 50 - (2 * 60 * 8) / 1e3) < 1e-6);
  });

  it('rejects bad paths and payloads, naming the field', () => {
    assert.throws(() => estimateTransfer(1000, path({ uplinkBps: -1 })), /uplinkBps/);
    assert.throws(() => estimateTransfer(1000, path({ uplinkBps: 0 })), /uplinkBps/);
    assert.throws(() => estimateTransfer(1000, path({ lossRate: 1.5 })), /lossRate/);
    assert.throws(() => estimateTransfer(0, path()), /bytes must be > 0/);
  });

  it('sweeps many configurations (no timing asserted; see bench/sim)', () => {
    let n = 0;
    for (const bw of [1e5, 1e6, 1e7, 1e8, 1e9]) for (const rtt of [1, 10, 100]) for (const loss of [0, 0.001, 0.05]) for (const kb of [1, 10, 100, 1000]) {
      const e = estimateTransfer(kb * 1000, path({ uplinkBps: bw, downlinkBps: bw, rttMs: rtt, lossRate: loss }));
      assert.ok(Number.isFinite(e.ms) && e.ms > 0);
      n++;
    }
    assert.equal(n, 180);
  });
});

describe('simulated transfer without loss', () => {
  it('equals the closed form when the first window fills the pipe (unpaced sender, deep buffer)', () => {
    for (const bytes of [10_000, 100_000, 1_000_000]) {
      const p = path({ congestionControl: 'reno', queueBytes: 1e8 });
      const sim = simulateTransfer({ bytes, path: p, hostOverheadMs: 0 }).ms;
      const expected = closedFormMs(bytes, p);
      assert.ok(Math.abs(sim - expected) < 1e-6, `${bytes}: sim ${sim} vs ${expected}`);
    }
  });

  it('BBR stays within 1% of the closed form (it paces 1% under its estimate)', () => {
    for (const bytes of [10_000, 100_000, 1_000_000]) {
      const sim = simulateTransfer({ bytes, path: path(), hostOverheadMs: 0 }).ms;
      const expected = closedFormMs(bytes, path());
      assert.ok(sim >= expected - 1e-6 && (sim - expected) / expected < 0.01, `${bytes}: sim ${sim} vs ${expected}`);
    }
  });

  it('agrees with the analytic model within 10% across rates and RTTs', () => {
    for (const bw of [1e6, 10e6, 100e6]) for (const rtt of [5, 50, 200]) for (const bytes of [10_000, 100_000, 1_000_000]) {
      const p = path({ uplinkBps: bw, downlinkBps: bw, rttMs: rtt });
      const sim = simulateTransfer({ bytes, path: p, hostOverheadMs: 0 }).ms;
      const an = estimateTransfer(bytes, p).typicalMs;
      assert.ok(Math.abs(sim - an) / sim < 0.1, `${bw} ${rtt} ${bytes}: sim ${sim.toFixed(1)} analytic ${an.toFixed(1)}`);
    }
  });

  it('each congestion control finishes and recovers from loss', () => {
    for (const cc of ['reno', 'cubic', 'bbr'] as const) {
      const r = simulateTransfer({ bytes: 300_000, seed: 2, path: path({ uplinkBps: 20e6, downlinkBps: 20e6, rttMs: 40, lossRate: 0.02, congestionControl: cc }) });
      assert.ok(r.retransmissions > 0, cc);
      assert.ok(r.ms > 0 && r.ms < 10_000, `${cc}: ${r.ms}`);
    }
  });
});
