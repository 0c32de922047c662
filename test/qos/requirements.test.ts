import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Objectives } from '../../src/qos/configuration.js';
import { accuracySlack, checkRequirements, margin, misses, upperSlack } from '../../src/qos/requirements.js';

const o: Objectives = { latencyMs: 30, p99Ms: 80, accuracy: 0.95, accuracySource: 'measured', edgeMemoryBytes: 1000, energyMj: 5, bytes: 400 };

describe('requirements', () => {
  it('slack is the fraction of the budget left: (U - x) / U above, (a - A) / (1 - A) for accuracy', () => {
    assert.equal(upperSlack(30, 40), 0.25);
    assert.equal(upperSlack(50, 40), -0.25);
    assert.ok(Math.abs(accuracySlack(0.95, 0.9) - 0.5) < 1e-12); // half the allowed 10% error unused
    assert.ok(Math.abs(accuracySlack(0.85, 0.9) + 0.5) < 1e-12);
    assert.equal(accuracySlack(1, 1), 0);
    assert.ok(accuracySlack(0.99, 1) < 0);
  });

  it('margin is the least slack; +Infinity without requirements; p99 when asked', () => {
    assert.equal(margin({}, o), Infinity);
    assert.equal(margin({ maxLatencyMs: 40, maxBytes: 500 }, o), 0.2); // latency 0.25, bytes 0.2
    assert.equal(margin({ maxLatencyMs: 40, latencyPercentile: 'p99' }, o), -1); // (40 - 80) / 40
    assert.ok(Math.abs(margin({ minAccuracy: 0.9, maxEnergyMj: 20 }, o) - 0.5) < 1e-12);
  });

  it('misses say which requirement and by how much', () => {
    const m = misses({ maxLatencyMs: 20, minAccuracy: 0.97, maxEdgeMemoryBytes: 2000 }, o);
    assert.deepEqual(m.map((x) => x.requirement), ['max-latency', 'min-accuracy']);
    assert.equal(m[0]?.by, 10);
    assert.equal(m[0]?.slack, -0.5);
    assert.ok(Math.abs((m[1]?.by ?? 0) - 0.02) < 1e-12);
    assert.deepEqual(misses({ maxLatencyMs: 40 }, o), []);
  });

  it('refuses bounds that are not positive', () => {
    assert.throws(() => checkRequirements({ maxLatencyMs: 0 }), /--max-latency must be a positive finite number/);
    assert.throws(() => checkRequirements({ minAccuracy: 1.5 }), /--min-accuracy must be from 0 to 1/);
    checkRequirements({ maxLatencyMs: 1, minAccuracy: 0, maxBytes: 1 });
  });
});
