import type { ExitPlanInput } from '../../src/exits/plan.js';
import type { PopexExit } from '../../src/exits/popex.js';
import { Random } from '../../src/graph/random.js';
import { bruteForceCutTimes } from './popex-reference.js';

/** The best (latency, accuracy) of one rate, or null when nothing meets the objective. */
export interface ReferenceChoice {
  readonly expectedMs: number;
  readonly expectedAccuracy: number;
}

/**
 * What a policy gives on the samples, one sample at a time: each goes down the exits in layer
 * order and leaves at the first enabled one whose confidence reaches its threshold.
 * `thresholds` maps input column -> threshold for the enabled exits.
 */
export function simulatePolicy(input: ExitPlanInput, thresholds: ReadonlyMap<number, number>): { accuracy: number; exitProbability: Map<number, number> } {
  const layerOf = (name: string) => input.layers.findIndex((l) => l.name === name);
  const order = input.exits.map((_, c) => c).sort((a, b) => layerOf(input.exits[a]!.after) - layerOf(input.exits[b]!.after));
  const reached = new Map<number, number>();
  const left = new Map<number, number>();
  let right = 0;
  input.samples.mainCorrect.forEach((mainRight, i) => {
    for (const c of order) {
      const tau = thresholds.get(c);
      if (tau === undefined) continue;
      reached.set(c, (reached.get(c) ?? 0) + 1);
      if (input.samples.confidence[i]?.[c]! >= tau) {
        left.set(c, (left.get(c) ?? 0) + 1);
        if (input.samples.correct[i]?.[c]) right++;
        return;
      }
    }
    if (mainRight) right++;
  });
  const exitProbability = new Map([...thresholds.keys()].map((c) => [c, (reached.get(c) ?? 0) === 0 ? 0 : (left.get(c) ?? 0) / reached.get(c)!]));
  return { accuracy: right / input.samples.mainCorrect.length, exitProbability };
}

/** The expected time at cut s (layers on the edge) of the enabled exits, by the closed form. */
export function referenceTime(input: ExitPlanInput, rate: number, s: number, thresholds: ReadonlyMap<number, number>): number {
  const { exitProbability } = simulatePolicy(input, thresholds);
  const exits: PopexExit[] = [...thresholds.keys()].map((c) => ({ after: input.exits[c]!.after, edgeMs: input.exits[c]!.edgeMs, exitProbability: exitProbability.get(c)! }));
  return bruteForceCutTimes({ inputBytes: input.inputBytes, uplinkMbps: rate, rttMs: input.rttMs, layers: input.layers, exits })[s]!;
}

/**
 * Exhaustive search written from the definition: every cut; every subset of the exits on the
 * edge at that cut; every threshold of every enabled exit; the objective's best, ties going to
 * the lower latency (accuracy objective) or the higher accuracy (latency objective).
 */
export function exhaustiveExitPlan(input: ExitPlanInput, rate: number): ReferenceChoice | null {
  const layerOf = (name: string) => input.layers.findIndex((l) => l.name === name) + 1;
  let best: ReferenceChoice | null = null;
  for (let s = 0; s <= input.layers.length; s++) {
    const onEdge = input.exits.map((_, c) => c).filter((c) => layerOf(input.exits[c]!.after) <= s);
    for (let mask = 0; mask < 1 << onEdge.length; mask++) {
      const subset = onEdge.filter((_, k) => mask & (1 << k));
      const grids = subset.map((c) => input.exits[c]?.thresholds ?? input.thresholds ?? []);
      const combos = grids.reduce((n, g) => n * g.length, 1);
      for (let code = 0; code < combos; code++) {
        const thresholds = new Map<number, number>();
        let rest = code;
        subset.forEach((c, k) => {
          const g = grids[k]!;
          thresholds.set(c, g[rest % g.length]!);
          rest = Math.floor(rest / g.length);
        });
        const expectedAccuracy = simulatePolicy(input, thresholds).accuracy;
        const expectedMs = referenceTime(input, rate, s, thresholds);
        const o = input.objective;
        if ('minAccuracy' in o) {
          if (expectedAccuracy < o.minAccuracy) continue;
          if (!best || expectedMs < best.expectedMs || (expectedMs === best.expectedMs && expectedAccuracy > best.expectedAccuracy)) best = { expectedMs, expectedAccuracy };
        } else {
          if (expectedMs > o.maxLatencyMs) continue;
          if (!best || expectedAccuracy > best.expectedAccuracy || (expectedAccuracy === best.expectedAccuracy && expectedMs < best.expectedMs)) best = { expectedMs, expectedAccuracy };
        }
      }
    }
  }
  return best;
}

const LEVELS = [0.2, 0.3, 0.5, 0.7, 0.9, 1];

/**
 * A small random plan input: 1..6 layers, 0..3 exits at distinct layers (columns in random
 * order), thresholds shared or per exit from the same levels as the confidences (so ties at
 * the threshold happen), 1..30 samples, 1..3 rates, either objective.
 */
export function randomPlanInput(rng: Random): ExitPlanInput {
  const nLayers = 1 + rng.int(6);
  const layers = Array.from({ length: nLayers }, (_, i) => ({ name: `l${i + 1}`, edgeMs: rng.next() * 10, cloudMs: rng.next(), outputBytes: Math.round(rng.next() * 20000) }));
  const at = rng.shuffle(layers.map((_, i) => i)).slice(0, rng.int(Math.min(3, nLayers) + 1));
  const grid = () => [...new Set(Array.from({ length: 1 + rng.int(3) }, () => LEVELS[rng.int(LEVELS.length)]!))];
  const shared = grid();
  const exits = at.map((i) => ({ after: `l${i + 1}`, edgeMs: rng.next() * 2, ...(rng.next() < 0.3 ? { thresholds: grid() } : {}) }));
  const n = 1 + rng.int(30);
  const samples = {
    confidence: Array.from({ length: n }, () => exits.map(() => LEVELS[rng.int(LEVELS.length)]!)),
    correct: Array.from({ length: n }, () => exits.map(() => rng.next() < 0.7)),
    mainCorrect: Array.from({ length: n }, () => rng.next() < 0.85),
  };
  const objective = rng.next() < 0.5 ? { minAccuracy: Math.round(rng.next() * 20) / 20 } : { maxLatencyMs: 1 + rng.next() * 40 };
  return {
    inputBytes: Math.round(rng.next() * 30000),
    rttMs: rng.next() < 0.5 ? 0 : rng.next() * 5,
    uplinkMbps: Array.from({ length: 1 + rng.int(3) }, () => 0.5 + rng.next() * 20),
    layers, exits, thresholds: shared, samples, objective,
  };
}
