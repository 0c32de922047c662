/**
 * From a sweep to a decision: the Pareto front of the analytic sweep, its members (and the
 * best of each of Split-Et-Impera's four scenarios) re-timed by the discrete-event simulator,
 * the recommendation (the feasible front member of largest margin, requirements.ts), the
 * nearest misses, and the four scenarios side by side.
 *
 * The front is non-dominated on the analytic figures over (latency, accuracy, edge memory,
 * energy, bytes), the latency being the median or, when the requirement bounds it, the 99th
 * percentile. Every configuration a dominated one could be replaced by is on the front and is
 * at least as good on every requirement, so the largest margin over the sweep is found on the
 * front. Ties in margin go to the lower latency, then the higher accuracy, the lower energy,
 * edge memory and bytes, then the configuration's id.
 */
import type { NetworkProfile } from '../net/profiles.js';
import type { Configuration, Objectives } from './configuration.js';
import { paretoFront } from './pareto.js';
import { boundedLatency, margin, type Miss, misses, type Requirements } from './requirements.js';
import { DEFAULT_SIMULATED_FRAMES, simulateConfiguration } from './simulate.js';
import { CHOICE_COUNT, configurationOf, OBJECTIVE_NAMES, objectivesOf, sweep, type SweepResult } from './sweep.js';
import type { SweepSpec } from './tables.js';

/** A configuration judged against the requirements. */
export interface RankedConfiguration extends Configuration {
  /** least normalised slack over the requirements (Infinity when none is given) */
  readonly margin: number;
  readonly feasible: boolean;
  /** the requirements it misses, and by how much */
  readonly missed: readonly Miss[];
  /** frames simulated (0 when the latency is analytic) */
  readonly simulatedFrames: number;
}

/** Split-Et-Impera's four scenarios. */
export const SCENARIOS = ['local', 'remote', 'split', 'earlyExit'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface PlanOptions {
  readonly requirements: Requirements;
  /** simulate at most this many front members, best margin first (default 100; 0: none) */
  readonly simulateMax?: number;
  /** uploaded frames per simulation (default simulate.ts's) */
  readonly frames?: number;
  readonly arrivals?: 'periodic' | 'poisson';
  readonly seed?: number;
  /** nearest misses to list (default 3) */
  readonly misses?: number;
}

export interface PlanResult {
  readonly sweep: SweepResult;
  /** the front, best margin first */
  readonly front: readonly RankedConfiguration[];
  /** the feasible front member of largest margin; null when none is feasible */
  readonly recommended: RankedConfiguration | null;
  /** the infeasible front members nearest to feasible (largest margin first) */
  readonly misses: readonly RankedConfiguration[];
  /** the best configuration of each scenario (null when the sweep has none of that kind) */
  readonly scenarios: Readonly<Record<ScenarioName, RankedConfiguration | null>>;
  readonly paretoMs: number;
  readonly simulateMs: number;
}

/** Column of each front objective in the sweep's objectives, and its sign (accuracy is maximised). */
function frontColumns(r: Requirements): { column: number; sign: number }[] {
  const col = (name: (typeof OBJECTIVE_NAMES)[number]): number => OBJECTIVE_NAMES.indexOf(name);
  return [
    { column: col(r.latencyPercentile === 'p99' ? 'p99Ms' : 'latencyMs'), sign: 1 },
    { column: col('accuracy'), sign: -1 },
    { column: col('edgeMemoryBytes'), sign: 1 },
    { column: col('energyMj'), sign: 1 },
    { column: col('bytes'), sign: 1 },
  ];
}

/** Indexes of the sweep's Pareto front over the objectives that matter for `r`. */
export function sweepFront(s: SweepResult, r: Requirements): Int32Array {
  const cols = frontColumns(r);
  const k = cols.length;
  const all = OBJECTIVE_NAMES.length;
  const values = new Float64Array(s.count * k);
  for (let i = 0; i < s.count; i++) {
    for (let j = 0; j < k; j++) {
      // j < k = cols.length, i < the sweep's count, and a column is an objective slot < all
      const { column, sign } = cols[j]!;
      values[i * k + j] = sign * s.objectives[i * all + column]!; // as above
    }
  }
  return paretoFront({ values, n: s.count, k });
}

/** Orders configurations best first: margin, then the tie-breaks of the file comment. */
export function compareRanked(r: Requirements): (a: { margin: number; objectives: Objectives; id: string }, b: { margin: number; objectives: Objectives; id: string }) => number {
  return (a, b) => {
    const keys = (x: { objectives: Objectives }): number[] => [boundedLatency(r, x.objectives), -x.objectives.accuracy, x.objectives.energyMj, x.objectives.edgeMemoryBytes, x.objectives.bytes];
    if (a.margin !== b.margin) return b.margin - a.margin;
    const ka = keys(a);
    const kb = keys(b);
    for (let j = 0; j < ka.length; j++) if (ka[j] !== kb[j]) return ka[j]! - kb[j]!; // j < ka.length = kb.length (rank keys have one length)
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** A configuration with its margin and misses. */
export function rank(c: Configuration, r: Requirements, simulatedFrames = 0): RankedConfiguration {
  const m = margin(r, c.objectives);
  return { ...c, margin: m, feasible: m >= 0, missed: misses(r, c.objectives), simulatedFrames };
}

/** The scenario a configuration belongs to. */
export function scenarioOf(c: Pick<Configuration, 'placement' | 'exits'>): ScenarioName {
  return c.placement === 'split' && c.exits.length > 0 ? 'earlyExit' : c.placement;
}

/** Sweeps `spec`, finds the front, simulates, and recommends. */
export function makePlan(spec: SweepSpec, o: PlanOptions): PlanResult {
  const r = o.requirements;
  const s = sweep(spec);
  const order = compareRanked(r);
  const p0 = performance.now();
  const analytic = [...sweepFront(s, r)].map((i) => rank(configurationOf(s, i), r)).sort(order);

  // The best of each scenario over the whole sweep (a scenario's best need not be on the front).
  const best = new Map<ScenarioName, { i: number; key: { margin: number; objectives: Objectives; id: string } }>();
  for (let i = 0; i < s.count; i++) {
    const objectives = objectivesOf(s, i);
    const placement = s.tables.spec.cuts[s.choices[i * CHOICE_COUNT + 1]!]?.placement ?? 'split'; // a configuration has CHOICE_COUNT choices
    const exits = s.tables.spec.exits[s.choices[i * CHOICE_COUNT + 3]!]?.exits ?? []; // a configuration has CHOICE_COUNT choices
    const kind = scenarioOf({ placement, exits });
    const key = { margin: margin(r, objectives), objectives, id: '' };
    const held = best.get(kind);
    if (!held || order(key, held.key) < 0) best.set(kind, { i, key });
  }
  const paretoMs = performance.now() - p0;

  const s0 = performance.now();
  const networks = new Map(spec.networks.map((n) => [n.name, n]));
  const simulate = (c: RankedConfiguration): RankedConfiguration => {
    const network = networks.get(c.network) as NetworkProfile | undefined;
    if (!network || c.placement === 'local') return c;
    const sim = simulateConfiguration(c, network, { load: spec.load, frames: o.frames ?? DEFAULT_SIMULATED_FRAMES, arrivals: o.arrivals, seed: o.seed });
    const objectives = { ...c.objectives, latencyMs: sim.p50Ms, p99Ms: sim.p99Ms };
    return rank({ ...c, objectives, latencySource: 'simulated' }, r, sim.framesSent);
  };
  const max = o.simulateMax ?? 100;
  const front = analytic.map((c, j) => (j < max ? simulate(c) : c)).sort(order);
  const scenarios = Object.fromEntries(SCENARIOS.map((kind) => {
    const b = best.get(kind);
    return [kind, b ? (max > 0 ? simulate(rank(configurationOf(s, b.i), r)) : rank(configurationOf(s, b.i), r)) : null];
  })) as Record<ScenarioName, RankedConfiguration | null>;
  const simulateMs = performance.now() - s0;

  const feasible = front.filter((c) => c.feasible);
  return {
    sweep: s,
    front,
    recommended: feasible[0] ?? null,
    misses: front.filter((c) => !c.feasible).slice(0, o.misses ?? 3),
    scenarios,
    paretoMs,
    simulateMs,
  };
}
