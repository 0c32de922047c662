import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getNetworkProfile } from '../../src/net/profiles.js';
import { getDevice } from '../../src/profile/device-catalogue.js';
import type { Objectives } from '../../src/qos/configuration.js';
import { exitOptions } from '../../src/qos/exit-option.js';
import { makePlan } from '../../src/qos/plan.js';
import { margin, type Requirements } from '../../src/qos/requirements.js';
import { configurationOf, objectivesOf } from '../../src/qos/sweep.js';
import { gapGemmBranch, syntheticExitStatistics } from '../../test-support/qos/synthetic-exits.js';
import { lenetSpec } from '../../test-support/qos/specs.js';

/** Does a dominate b over the front's objectives (latency, accuracy up, memory, energy, bytes)? */
function dominates(a: Objectives, b: Objectives): boolean {
  const x = [a.latencyMs, -a.accuracy, a.edgeMemoryBytes, a.energyMj, a.bytes];
  const y = [b.latencyMs, -b.accuracy, b.edgeMemoryBytes, b.energyMj, b.bytes];
  return x.every((v, i) => v <= y[i]!) && x.some((v, i) => v < y[i]!);
}

function withExits() {
  const base = lenetSpec();
  const shape = (t: string) => base.analysis.inference.tensors.get(t)?.shape ?? [];
  const branches = ['pool1', 'pool2'].map((t, j) => {
    const [, c, h, w] = shape(t);
    return gapGemmBranch(`exit_${j}_logits`, t, c ?? 1, h ?? 1, w ?? 1);
  });
  return lenetSpec({ exits: exitOptions(syntheticExitStatistics(branches, 500, 3, 0.99), [0.9, 0.97]), load: { devices: 8, fps: 4, workers: 1, connection: 'kept-alive' } });
}

describe('makePlan', () => {
  const requirements: Requirements = { maxLatencyMs: 70, minAccuracy: 0.985, maxEnergyMj: 5 };

  it('the front is dominated by no configuration of the sweep, and holds every one nothing dominates', () => {
    const plan = makePlan(withExits(), { requirements, simulateMax: 0 });
    const s = plan.sweep;
    const all = Array.from({ length: s.count }, (_, i) => objectivesOf(s, i));
    const onFront = new Set(plan.front.map((c) => c.id));
    for (const c of plan.front) assert.ok(!all.some((o) => dominates(o, c.objectives)), `${c.id} is dominated`);
    let undominated = 0;
    for (let i = 0; i < s.count; i++) {
      if (all.some((o) => dominates(o, all[i]!))) continue;
      undominated++;
      assert.ok(onFront.has(configurationOf(s, i).id));
    }
    assert.equal(undominated, plan.front.length);
  });

  it('recommends the feasible configuration of largest margin, which meets every requirement', () => {
    const plan = makePlan(withExits(), { requirements, simulateMax: 0 });
    const r = plan.recommended;
    assert.ok(r);
    const o = r.objectives;
    assert.ok(o.latencyMs <= 70 && o.accuracy >= 0.985 && o.energyMj <= 5, JSON.stringify(o));
    assert.deepEqual(r.missed, []);
    const s = plan.sweep;
    const best = Math.max(...Array.from({ length: s.count }, (_, i) => margin(requirements, objectivesOf(s, i))));
    assert.equal(r.margin, best);
    assert.ok(r.margin >= 0);
  });

  it("Split-Et-Impera's four scenarios side by side, each the best of its kind", () => {
    const plan = makePlan(withExits(), { requirements, simulateMax: 0 });
    const { local, remote, split, earlyExit } = plan.scenarios;
    assert.ok(local && remote && split && earlyExit);
    assert.equal(local.placement, 'local');
    assert.equal(local.objectives.bytes, 0);
    assert.deepEqual(remote.cut, ['input']);
    assert.equal(remote.breakdown.headMs, 0);
    assert.equal(split.placement, 'split');
    assert.deepEqual(split.exits, []);
    assert.equal(earlyExit.placement, 'split');
    assert.ok(earlyExit.exits.length > 0 && earlyExit.breakdown.uploadFraction < 1);
    const s = plan.sweep;
    const margins = (keep: (c: ReturnType<typeof configurationOf>) => boolean) => Array.from({ length: s.count }, (_, i) => configurationOf(s, i)).filter(keep).map((c) => margin(requirements, c.objectives));
    assert.equal(split.margin, Math.max(...margins((c) => c.placement === 'split' && c.exits.length === 0)));
    assert.equal(earlyExit.margin, Math.max(...margins((c) => c.exits.length > 0)));
    assert.equal(makePlan(lenetSpec(), { requirements, simulateMax: 0 }).scenarios.earlyExit, null);
  });

  it('with requirements nothing meets: no recommendation, the nearest misses best first, each saying what it misses', () => {
    const tight: Requirements = { maxLatencyMs: 0.05, maxBytes: 50 };
    const plan = makePlan(lenetSpec({ devices: [getDevice('raspberry-pi-4')], networks: [getNetworkProfile('4g')] }), { requirements: tight, simulateMax: 0, misses: 4 });
    assert.equal(plan.recommended, null);
    assert.equal(plan.misses.length, 4);
    for (let j = 1; j < plan.misses.length; j++) assert.ok((plan.misses[j - 1]?.margin ?? 0) >= (plan.misses[j]?.margin ?? 0));
    for (const m of plan.misses) {
      assert.ok(m.missed.length > 0);
      for (const x of m.missed) assert.ok(x.by > 0 && x.slack < 0);
    }
    const worst = Math.max(...plan.front.filter((c) => !c.feasible).map((c) => c.margin));
    assert.equal(plan.misses[0]?.margin, worst);
  });

  it('re-times the front in the simulator: the median of the exits-and-uploads mixture', () => {
    const plan = makePlan(withExits(), { requirements, simulateMax: 3, frames: 100 });
    const simulated = plan.front.filter((c) => c.latencySource === 'simulated');
    assert.ok(simulated.length >= 2 && simulated.length <= 3);
    for (const c of simulated) {
      assert.ok(c.simulatedFrames >= 100 || c.placement === 'local');
      const near = c.breakdown.headMs + c.breakdown.exitMs;
      if (c.breakdown.uploadFraction <= 0.5) assert.equal(c.objectives.latencyMs, near);
      else assert.ok(c.objectives.latencyMs >= near);
      assert.ok(c.objectives.p99Ms >= c.objectives.latencyMs);
    }
  });
});
