import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { BadFieldError } from '../../src/exits/fields.js';
import { type ExitPlanInput, MAX_EXIT_PLAN_CONFIGURATIONS, planExits } from '../../src/exits/plan.js';
import { Random } from '../../src/graph/random.js';
import { exhaustiveExitPlan, randomPlanInput, referenceTime, simulatePolicy } from '../../test-support/exits/plan-reference.js';
import { bruteForceCutTimes } from '../../test-support/exits/popex-reference.js';

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** Two layers, two exits; samples chosen so that exit b's fraction depends on exit a's threshold. */
function handInput(objective: ExitPlanInput['objective']): ExitPlanInput {
  return {
    inputBytes: 10_000, uplinkMbps: [1, 100],
    layers: [{ name: 'a', edgeMs: 2, cloudMs: 0.1, outputBytes: 5000 }, { name: 'b', edgeMs: 2, cloudMs: 0.1, outputBytes: 100 }, { name: 'c', edgeMs: 20, cloudMs: 0.1, outputBytes: 40 }],
    exits: [{ after: 'b', edgeMs: 0.5 }, { after: 'a', edgeMs: 0.5 }],
    thresholds: [0.5, 0.9],
    // Columns: exit after b, exit after a.
    samples: {
      confidence: [[0.95, 0.95], [0.95, 0.6], [0.6, 0.6], [0.2, 0.2]],
      correct: [[true, true], [true, false], [true, true], [false, false]],
      mainCorrect: [true, true, true, true],
    },
    objective,
  };
}

describe('planExits', () => {
  it('equals an independent exhaustive search (every cut, subset, threshold) on 600 small random inputs', () => {
    const rng = new Random(6);
    const seen = { withExits: 0, twoExits: 0, infeasible: 0, exitAtCut: 0, minAccuracy: 0, maxLatency: 0 };
    for (let trial = 0; trial < 600; trial++) {
      const input = randomPlanInput(rng);
      const plan = planExits(input);
      assert.equal(plan.decisions.length, input.uplinkMbps.length);
      plan.decisions.forEach((d, r) => {
        const rate = input.uplinkMbps[r]!;
        assert.equal(d.uplinkMbps, rate);
        const ref = exhaustiveExitPlan(input, rate);
        const what = `trial ${trial}, rate ${rate}`;
        assert.equal(d.best === null, ref === null, `${what}: planner ${JSON.stringify(d.best)}, reference ${JSON.stringify(ref)}`);
        if (!d.best || !ref) {
          seen.infeasible++;
          return;
        }
        if ('minAccuracy' in input.objective) {
          seen.minAccuracy++;
          close(d.best.expectedMs, ref.expectedMs, `${what}: lowest latency`);
          assert.ok(d.best.expectedAccuracy >= input.objective.minAccuracy);
        } else {
          seen.maxLatency++;
          assert.equal(d.best.expectedAccuracy, ref.expectedAccuracy, `${what}: highest accuracy`);
          close(d.best.expectedMs, ref.expectedMs, `${what}: its latency`);
          assert.ok(d.best.expectedMs <= input.objective.maxLatencyMs);
        }
        // The reported configuration, re-evaluated from the definition, gives what it claims.
        const columns = new Map(d.best.exits.map((e) => [input.exits.findIndex((x) => x.after === e.after), e.threshold]));
        const sim = simulatePolicy(input, columns);
        assert.equal(d.best.expectedAccuracy, sim.accuracy);
        close(d.best.expectedMs, referenceTime(input, rate, d.best.edgeLayers, columns), `${what}: its own time`);
        for (const e of d.best.exits) {
          const layer = input.layers.findIndex((l) => l.name === e.after) + 1;
          assert.ok(layer <= d.best.edgeLayers, `${what}: exit after ${e.after} is not on the edge`);
          close(e.exitProbability, sim.exitProbability.get(input.exits.findIndex((x) => x.after === e.after))!, `${what}: p`);
          if (layer === d.best.edgeLayers) seen.exitAtCut++;
        }
        if (d.best.exits.length >= 1) seen.withExits++;
        if (d.best.exits.length >= 2) seen.twoExits++;
      });
    }
    for (const [k, v] of Object.entries(seen)) assert.ok(v >= 20, `${k}: only ${v} decisions`);
  });

  it('withoutExits is the fastest cut of the bare backbone, with the main output\'s accuracy', () => {
    const rng = new Random(9);
    for (let trial = 0; trial < 200; trial++) {
      const input = randomPlanInput(rng);
      const plan = planExits(input);
      plan.decisions.forEach((d) => {
        const times = bruteForceCutTimes({ inputBytes: input.inputBytes, uplinkMbps: d.uplinkMbps, rttMs: input.rttMs, layers: input.layers });
        close(d.withoutExits.expectedMs, Math.min(...times), `trial ${trial}`);
        assert.equal(d.withoutExits.exits.length, 0);
        assert.equal(d.withoutExits.expectedAccuracy, input.samples.mainCorrect.filter(Boolean).length / input.samples.mainCorrect.length);
      });
    }
  });

  it('joint statistics by hand: exit b sees only the samples exit a let through', () => {
    // Highest accuracy under 8 ms at 1 Mbit/s, then the lowest latency: exit a at 0.9 (sample 1,
    // right), exit b at 0.5 (samples 2 and 3 of the 3 that reach it, right), sample 4 to the main
    // output (right): accuracy 1 in 4.6 ms, beating exit b alone (4.725 ms) and no exit (4.9 ms).
    const plan = planExits(handInput({ maxLatencyMs: 8 }));
    const d = plan.decisions[0];
    assert.ok(d?.best);
    assert.equal(d.best.expectedAccuracy, 1);
    assert.deepEqual(d.best.exits.map((e) => [e.after, e.threshold, e.exitProbability]), [['a', 0.9, 0.25], ['b', 0.5, 2 / 3]]);
    // Edge: a 2 + exit 0.5 + 0.75 (b 2 + exit 0.5), then 0.25 of the samples upload 100 bytes at 1 Mbit/s.
    assert.equal(d.best.cut, 'b');
    close(d.best.expectedMs, 2 + 0.5 + 0.75 * 2.5 + 0.25 * ((8 * 100) / 1000 + 0.1), 'by hand');
    assert.equal(plan.configurations, 9);
    // Without a floor: exit a alone at 0.5 takes samples 1-3 (sample 2 wrongly): accuracy 0.75,
    // a 2 + exit 0.5 + 0.25 (b 2 + upload 0.8 + cloud 0.1) ms.
    const fastest = planExits(handInput({ minAccuracy: 0 })).decisions[0]?.best;
    assert.ok(fastest);
    assert.deepEqual(fastest.exits.map((e) => [e.after, e.threshold]), [['a', 0.5]]);
    assert.equal(fastest.expectedAccuracy, 0.75);
    close(fastest.expectedMs, 2.5 + 0.25 * 2.9, 'fastest by hand');
  });

  it('reports no configuration when the objective cannot be met', () => {
    const plan = planExits(handInput({ maxLatencyMs: 0.1 }));
    assert.deepEqual(plan.decisions.map((d) => d.best), [null, null]);
    assert.ok(plan.decisions.every((d) => d.withoutExits.expectedMs > 0.1));
  });

  it('refuses a search above its bound, saying what to reduce', () => {
    const input = handInput({ minAccuracy: 0.5 });
    const layers = Array.from({ length: 8 }, (_, i) => ({ name: `l${i}`, edgeMs: 1, cloudMs: 1, outputBytes: 1 }));
    const exits = layers.slice(0, 6).map((l) => ({ after: l.name, edgeMs: 1 }));
    const thresholds = Array.from({ length: 9 }, (_, i) => (i + 1) / 10); // 10^6 combinations
    const samples = { confidence: [exits.map(() => 0.5)], correct: [exits.map(() => true)], mainCorrect: [true] };
    assert.ok(10 ** 6 > MAX_EXIT_PLAN_CONFIGURATIONS);
    assert.throws(() => planExits({ ...input, layers, exits, thresholds, samples }), (e: unknown) => e instanceof BadRequestError && /too large: 1000000 exit subsets x thresholds \(at most 200000\)/.test(e.message));
  });

  const bad: [string, (i: Record<string, unknown>) => void, string][] = [
    ['no threshold grid', (i) => { delete i.thresholds; }, 'exits[0].thresholds'],
    ['a sample row of the wrong length', (i) => { (i.samples as Record<string, unknown[][]>).confidence![1] = [0.5]; }, 'samples.confidence[1]'],
    ['a correctness that is not a boolean', (i) => { (i.samples as Record<string, unknown[][]>).correct![0] = [1, true]; }, 'samples.correct[0][0]'],
    ['rows missing', (i) => { (i.samples as Record<string, unknown[]>).mainCorrect!.push(true); }, 'samples.confidence'],
    ['both objectives', (i) => { i.objective = { minAccuracy: 0.5, maxLatencyMs: 3 }; }, 'objective'],
    ['an accuracy floor above 1', (i) => { i.objective = { minAccuracy: 1.5 }; }, 'objective.minAccuracy'],
    ['a rate of zero', (i) => { i.uplinkMbps = [1, 0]; }, 'uplinkMbps[1]'],
    ['an exit after an unknown layer', (i) => { (i.exits as Record<string, unknown>[])[1]!.after = 'z'; }, 'exits[1].after'],
  ];
  for (const [what, mutate, field] of bad) {
    it(`bad input names the field: ${what}`, () => {
      const input = structuredClone(handInput({ minAccuracy: 0.5 })) as unknown as Record<string, unknown>;
      mutate(input);
      assert.throws(() => planExits(input), (e: unknown) => e instanceof BadFieldError && e.field === field);
    });
  }
});
