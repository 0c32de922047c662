import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getNetworkProfile, pathFromProfile } from '../../src/net/profiles.js';
import { simulateScenario } from '../../src/net/scenario.js';
import type { Configuration } from '../../src/qos/configuration.js';
import { simulateConfiguration } from '../../src/qos/simulate.js';

const network = getNetworkProfile('4g');
const config = (uploadFraction: number): Configuration => ({
  id: 'test', placement: 'split', cut: ['t'], codec: 'fp32', exits: [], sparsity: 'dense', device: 'raspberry-pi-4', network: '4g', latencySource: 'analytic',
  objectives: { latencyMs: 0, p99Ms: 0, accuracy: 1, accuracySource: 'predicted', edgeMemoryBytes: 0, energyMj: 0, bytes: 0 },
  breakdown: { headMs: 3, exitMs: 1, encodeMs: 0.5, uplinkQueueMs: 0, transferMs: 60, serverQueueMs: 0, tailMs: 2, uploadFraction, payloadBytes: 20_000, wireBytes: 21_000 },
});
const load = { devices: 6, fps: 5, workers: 1, connection: 'kept-alive' as const };

/** The simulator run directly, as simulateConfiguration should set it up for `r` uploads per frame. */
function direct(r: number, frames: number): Float64Array {
  const fps = 5 * r;
  const res = simulateScenario({ frame: { headMs: 4, encodeMs: 0.5, payloadBytes: 20_000, tailMs: 2 }, path: pathFromProfile(network), devices: 6, fps, durationS: (frames + 6) / (6 * fps), workers: 1, seed: 7, keepLatencies: true, arrivals: 'periodic' });
  assert.equal(res.framesLost, 0);
  return res.latenciesMs ?? new Float64Array(0);
}

describe('simulateConfiguration', () => {
  it('without exits: the simulator\'s own percentiles (nearest rank) of the frames it sent', () => {
    const sim = simulateConfiguration(config(1), network, { load, frames: 300, seed: 7 });
    const lat = direct(1, 300);
    assert.ok(sim.framesSent >= 300);
    assert.equal(sim.framesSent, lat.length);
    assert.equal(sim.p50Ms, lat[Math.ceil(0.5 * lat.length) - 1]);
    assert.equal(sim.p99Ms, lat[Math.ceil(0.99 * lat.length) - 1]);
  });

  it('with 70% answered at an exit: the median is head + exits, the p99 the 96.7th percentile of the uploads', () => {
    const sim = simulateConfiguration(config(0.3), network, { load, frames: 300, seed: 7 });
    const lat = direct(0.3, 300);
    assert.equal(sim.p50Ms, 4);
    const level = (0.99 - 0.7) / 0.3;
    assert.equal(sim.p99Ms, lat[Math.ceil(level * lat.length) - 1]);
  });

  it('frames that never arrive make the percentiles they reach unbounded', () => {
    // 20 kbit/s LPWAN at 20 frames/s of 20 kB: the link cannot carry it; most frames are still queued when the run ends.
    const sim = simulateConfiguration(config(1), getNetworkProfile('lpwan'), { load: { ...load, fps: 20 }, frames: 100, seed: 1 });
    assert.ok(sim.framesLost > 1);
    assert.equal(sim.p99Ms, Infinity);
  });
});
