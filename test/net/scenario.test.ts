import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateSplitLatency } from '../../src/net/split-latency.js';
import { percentiles, simulateScenario, type ScenarioOptions } from '../../src/net/scenario.js';

const base: ScenarioOptions = {
  frame: { headMs: 4, payloadBytes: 20_000, tailMs: 3, replyBytes: 64 },
  path: { uplinkBps: 50e6, downlinkBps: 100e6, rttMs: 10, lossRate: 0, mtu: 1500 },
  devices: 1,
  fps: 5,
  durationS: 4,
};

describe('simulateScenario', () => {
  it('one device, idle network: latency = head + transfer + tail, as the analytic model of a warm connection says', () => {
    const r = simulateScenario(base);
    assert.equal(r.framesSent, 20);
    assert.equal(r.framesCompleted, 20);
    // The device keeps its connection: frames every 200 ms, each after the previous reply.
    const an = estimateSplitLatency(base.frame, base.path, undefined, { frames: 10, gapMs: 1000 / base.fps - 20 }).ms;
    assert.ok(Math.abs(r.latencyMs.p50 - an) / an < 0.1, `sim p50 ${r.latencyMs.p50}, analytic ${an}`);
    assert.equal(r.server.maxQueue, 0);
  });

  it('more devices on one uplink: queues and latency grow, utilisation follows the offered load', () => {
    const light = simulateScenario({ ...base, devices: 2, fps: 10 });
    const heavy = simulateScenario({ ...base, devices: 20, fps: 10 });
    assert.ok(heavy.latencyMs.p95 > light.latencyMs.p95);
    assert.ok(heavy.uplink.utilisation > light.uplink.utilisation);
    // 20 devices x 10 fps x 20 KB = 32 Mbit/s of payload on a 50 Mbit/s uplink.
    assert.ok(heavy.uplink.utilisation > 0.6 && heavy.uplink.utilisation < 0.8, String(heavy.uplink.utilisation));
    // Server: 200 frames/s x 3 ms = 60% busy.
    assert.ok(Math.abs(heavy.server.utilisation - 0.6) < 0.05, String(heavy.server.utilisation));
  });

  it('an overloaded server queues; more workers drain it', () => {
    const one = simulateScenario({ ...base, devices: 10, fps: 40, frame: { ...base.frame, payloadBytes: 2000, tailMs: 3 }, workers: 1 });
    const two = simulateScenario({ ...base, devices: 10, fps: 40, frame: { ...base.frame, payloadBytes: 2000, tailMs: 3 }, workers: 2 });
    assert.ok(one.server.meanQueue > 10 * two.server.meanQueue + 1, `${one.server.meanQueue} vs ${two.server.meanQueue}`);
    assert.ok(one.latencyMs.p50 > two.latencyMs.p50);
  });

  it('UDP loses whole frames under packet loss; TCP retransmits and completes them', () => {
    const lossy = { ...base.path, lossRate: 0.02 };
    const udp = simulateScenario({ ...base, path: lossy, transport: 'udp', devices: 5, fps: 20 });
    const tcp = simulateScenario({ ...base, path: lossy, transport: 'tcp', devices: 5, fps: 20 });
    assert.ok(udp.framesLost > 0);
    assert.equal(tcp.framesLost, 0);
    assert.ok(udp.packetsLostPerFrame > 0 && tcp.packetsLostPerFrame > 0);
    // 14 fragments per frame at 2% loss: about a quarter of the frames die (1 - 0.98^15 with the reply).
    const frac = udp.framesLost / udp.framesSent;
    assert.ok(frac > 0.15 && frac < 0.4, String(frac));
  });

  it('Poisson arrivals and exponential service run, deterministically per seed', () => {
    const o: ScenarioOptions = { ...base, devices: 4, fps: 20, arrivals: 'poisson', service: 'exponential', seed: 9 };
    const a = simulateScenario(o);
    const b = simulateScenario(o);
    assert.deepEqual(a, b);
    assert.notDeepEqual(simulateScenario({ ...o, seed: 10 }).latencyMs, a.latencyMs);
  });

  it('rejects bad options', () => {
    assert.throws(() => simulateScenario({ ...base, devices: 0 }), /devices/);
    assert.throws(() => simulateScenario({ ...base, fps: -1 }), /fps/);
    assert.throws(() => simulateScenario({ ...base, path: { ...base.path, uplinkBps: -1 } }), /uplinkBps/);
  });

  it('percentiles: nearest rank', () => {
    const p = percentiles([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
    assert.equal(p.p50, 5);
    assert.equal(p.p95, 10);
    assert.equal(p.mean, 5.5);
    assert.ok(Number.isNaN(percentiles([]).p50));
  });
});
