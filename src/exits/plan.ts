/**
 * Choosing the cut, the enabled exits and their thresholds together (the exits issue, item 6).
 * Every combination of exit subset and thresholds is evaluated exactly on the held-out samples
 * (accuracy, and each exit's fraction leaving among those reaching it); those fractions are the
 * POPEX exit probabilities, and POPEX's shortest path gives the best cut that keeps every
 * enabled exit on the edge (an exit after the cut would not run). The search is exhaustive,
 * so its size is bounded (MAX_EXIT_PLAN_*), with an error above the bounds.
 */
import { BadRequestError } from '../errors.js';
import { type ExitSamples, policyOutcome, readExitSamples, type SampleMatrix } from './exit-samples.js';
import { BadFieldError, readArray, readNumber, readObject } from './fields.js';
import { bestCheckedCut, type CheckedPopexProblem, MAX_POPEX_EXITS, type PopexExit, type PopexLayer, readExitPosition, readLayers } from './popex.js';

/** An exit the planner may switch on. */
export interface PlanExit {
  readonly after: string;
  readonly edgeMs: number;
  /** this exit's threshold grid (default: the input's `thresholds`) */
  readonly thresholds?: readonly number[];
}

/** Lowest expected latency with expected accuracy >= minAccuracy, or highest accuracy with latency <= maxLatencyMs. */
export type PlanObjective = { readonly minAccuracy: number } | { readonly maxLatencyMs: number };

/** What the planner reads (a JSON file later; validated either way). */
export interface ExitPlanInput {
  readonly inputBytes: number;
  readonly rttMs?: number;
  /** one decision per uplink rate */
  readonly uplinkMbps: readonly number[];
  readonly layers: readonly PopexLayer[];
  /** the exits, in the order of the sample matrices' columns */
  readonly exits: readonly PlanExit[];
  /** the threshold grid of exits that give none */
  readonly thresholds?: readonly number[];
  readonly samples: ExitSamples;
  readonly objective: PlanObjective;
}

/** One enabled exit of a configuration. */
export interface ExitChoice {
  readonly after: string;
  readonly threshold: number;
  /** of the samples reaching the exit, the fraction leaving there (POPEX's exit probability) */
  readonly exitProbability: number;
  /** of all samples, the fraction answered here */
  readonly answeredFraction: number;
  /** right answers among those given here (null when none is given) */
  readonly accuracy: number | null;
}

/** A cut with its enabled exits and thresholds, and what it is expected to give. */
export interface ExitConfiguration {
  readonly cut: string;
  readonly edgeLayers: number;
  readonly exits: readonly ExitChoice[];
  readonly expectedMs: number;
  readonly expectedAccuracy: number;
  /** fraction of the samples uploaded */
  readonly uploadFraction: number;
}

/** The decision for one uplink rate. */
export interface ExitDecision {
  readonly uplinkMbps: number;
  /** the best configuration, or null when none meets the objective */
  readonly best: ExitConfiguration | null;
  /** the fastest cut with every exit off, for comparison (whether or not it meets the objective) */
  readonly withoutExits: ExitConfiguration;
}

export interface ExitPlan {
  readonly objective: PlanObjective;
  /** exit subsets x thresholds evaluated: prod over exits of (1 + grid size) */
  readonly configurations: number;
  readonly decisions: readonly ExitDecision[];
}

/**
 * Bounds of the exhaustive search: (subset, thresholds) combinations; those times the samples
 * (one pass each); those times the rates (one POPEX shortest path each). Near the bounds,
 * 5 exits x 10 thresholds x 1000 samples x 3 rates (483k shortest paths) took 15 s on a
 * 2-core machine that other jobs kept at a load of 12.
 */
export const MAX_EXIT_PLAN_CONFIGURATIONS = 200_000;
export const MAX_EXIT_PLAN_SAMPLE_WORK = 400_000_000;
export const MAX_EXIT_PLAN_SOLVES = 500_000;
const MAX_RATES = 64;
const MAX_GRID = 1000;

interface CheckedExit {
  readonly after: string;
  readonly edgeMs: number;
  readonly at: number;
  /** ascending, distinct */
  readonly grid: readonly number[];
}

interface CheckedPlan {
  readonly base: Omit<CheckedPopexProblem, 'uplinkMbps' | 'exits' | 'exitAt'>;
  readonly rates: readonly number[];
  /** in layer order; column j of `matrix` */
  readonly exits: readonly CheckedExit[];
  readonly matrix: SampleMatrix;
  readonly objective: PlanObjective;
}

function readGrid(value: unknown, field: string): number[] {
  const grid = readArray(value, field, MAX_GRID, 1).map((v, i) => readNumber(v, `${field}[${i}]`));
  return [...new Set(grid)].sort((a, b) => a - b);
}

function readObjective(value: unknown): PlanObjective {
  const o = readObject(value, 'objective', [], ['minAccuracy', 'maxLatencyMs']);
  if ((o.minAccuracy === undefined) === (o.maxLatencyMs === undefined)) throw new BadFieldError('objective', 'give exactly one of minAccuracy (lowest latency above it) and maxLatencyMs (highest accuracy under it)');
  return o.minAccuracy !== undefined
    ? { minAccuracy: readNumber(o.minAccuracy, 'objective.minAccuracy', { min: 0, max: 1 }) }
    : { maxLatencyMs: readNumber(o.maxLatencyMs, 'objective.maxLatencyMs', { min: 0, unit: 'ms' }) };
}

/** Checks an untrusted plan input; errors name the bad field. */
export function parseExitPlanInput(value: unknown): CheckedPlan {
  const top = readObject(value, '', ['inputBytes', 'uplinkMbps', 'layers', 'exits', 'samples', 'objective'], ['rttMs', 'thresholds']);
  const inputBytes = readNumber(top.inputBytes, 'inputBytes', { min: 0, unit: 'bytes' });
  const rttMs = top.rttMs === undefined ? 0 : readNumber(top.rttMs, 'rttMs', { min: 0, unit: 'ms' });
  const rates = readArray(top.uplinkMbps, 'uplinkMbps', MAX_RATES, 1).map((v, i) => readNumber(v, `uplinkMbps[${i}]`, { above: 0, unit: 'Mbit/s' }));
  const { layers, position } = readLayers(top.layers);
  const shared = top.thresholds === undefined ? undefined : readGrid(top.thresholds, 'thresholds');
  const taken = new Map<number, number>();
  const exits = readArray(top.exits, 'exits', MAX_POPEX_EXITS).map((v, j) => {
    const f = `exits[${j}]`;
    const o = readObject(v, f, ['after', 'edgeMs'], ['thresholds']);
    const at = readExitPosition(o.after, `${f}.after`, position, taken, j);
    if (o.thresholds === undefined && shared === undefined) throw new BadFieldError(`${f}.thresholds`, 'is missing, and there is no shared "thresholds" grid');
    const grid = o.thresholds === undefined ? shared! : readGrid(o.thresholds, `${f}.thresholds`); // shared exists when this exit has no grid (checked above)
    return { column: j, exit: { after: o.after as string, edgeMs: readNumber(o.edgeMs, `${f}.edgeMs`, { min: 0, unit: 'ms' }), at, grid } };
  });
  exits.sort((a, b) => a.exit.at - b.exit.at);
  const matrix = readExitSamples(top.samples, 'samples', exits.map((e) => e.column));
  return { base: { inputBytes, rttMs, layers }, rates, exits: exits.map((e) => e.exit), matrix, objective: readObjective(top.objective) };
}

/** The POPEX problem of enabled exits (in layer order) with their probabilities, at one rate. */
function popexProblem(plan: CheckedPlan, rate: number, enabled: readonly number[], probability: (j: number) => number): CheckedPopexProblem {
  // Bounds: enabled holds exit indices of the plan.
  const exits: PopexExit[] = enabled.map((j) => ({ after: plan.exits[j]!.after, edgeMs: plan.exits[j]!.edgeMs, exitProbability: probability(j) }));
  return { ...plan.base, uplinkMbps: rate, exits, exitAt: enabled.map((j) => plan.exits[j]!.at) };
}

/**
 * Calls `visit` once per (subset, thresholds): choice[j] is the grid index of exit j's threshold
 * or -1 (off); reached/left count the samples reaching and leaving each exit; `right` counts
 * right answers. Depth-first over the exits in layer order, splitting the samples still going
 * at each enabled exit, so each combination costs one pass over the samples that reach it.
 */
function enumeratePolicies(plan: CheckedPlan, visit: (choice: Int32Array, reached: Int32Array, left: Int32Array, right: number) => void): void {
  // Bounds: i < n samples and j < m exits index the n x m matrix and the per-exit arrays (m entries), k < a grid's length; list holds sample indices < n.
  const { matrix, exits } = plan;
  const { samples: n, exits: m } = matrix;
  // passes[i m + j]: how many grid thresholds of exit j sample i meets (confidence >= threshold).
  const passes = new Int32Array(n * m);
  exits.forEach((e, j) => {
    for (let i = 0; i < n; i++) {
      const c = matrix.confidence[i * m + j]!;
      let k = 0;
      while (k < e.grid.length && c >= e.grid[k]!) k++;
      passes[i * m + j] = k;
    }
  });
  const choice = new Int32Array(m);
  const reached = new Int32Array(m);
  const left = new Int32Array(m);
  const buffers = Array.from({ length: m }, () => new Int32Array(n));
  let mainRight = 0;
  for (let i = 0; i < n; i++) mainRight += matrix.mainCorrect[i]!;
  const go = (j: number, list: Int32Array, size: number, rightSoFar: number, mainRightLeft: number): void => {
    // Bounds: j < m exits (buffers, choice, reached, left and exits have m entries), r < size <= n indexes list, and i < n samples indexes the n x m matrix.
    if (j === m) {
      visit(choice, reached, left, rightSoFar + mainRightLeft);
      return;
    }
    choice[j] = -1;
    reached[j] = size;
    left[j] = 0;
    go(j + 1, list, size, rightSoFar, mainRightLeft);
    const stay = buffers[j] as Int32Array;
    const grid = exits[j]!.grid.length;
    for (let t = 0; t < grid; t++) {
      let kept = 0;
      let leaving = 0;
      let leavingRight = 0;
      let leavingMainRight = 0;
      for (let r = 0; r < size; r++) {
        const i = list[r]!;
        if (passes[i * m + j]! > t) {
          leaving++;
          leavingRight += matrix.correct[i * m + j]!;
          leavingMainRight += matrix.mainCorrect[i]!;
        } else stay[kept++] = i;
      }
      choice[j] = t;
      reached[j] = size;
      left[j] = leaving;
      go(j + 1, stay, kept, rightSoFar + leavingRight, mainRightLeft - leavingMainRight);
    }
  };
  go(0, Int32Array.from({ length: n }, (_, i) => i), n, 0, mainRight);
}

/** A candidate's figures, compared per objective. */
interface Candidate {
  readonly ms: number;
  readonly right: number;
  readonly enabled: number;
  readonly choice: Int32Array;
}

/** Is a better than b: the objective's figure first, then the other one, then fewer exits. */
function better(objective: PlanObjective, a: Candidate, b: Candidate | undefined): boolean {
  if (!b) return true;
  const [first, second] = 'minAccuracy' in objective ? [b.ms - a.ms, a.right - b.right] : [a.right - b.right, b.ms - a.ms];
  if (first !== 0) return first > 0;
  if (second !== 0) return second > 0;
  return a.enabled < b.enabled;
}

/** The configuration of a choice at a rate, with its statistics recounted on the samples. */
function configuration(plan: CheckedPlan, rate: number, choice: Int32Array): ExitConfiguration {
  // Bounds: j runs over the plan's exits (choice, thresholds and the outcome's per-exit arrays have one entry each, a choice >= 0 indexes that exit's grid), and cut.edgeLayers - 1 is a layer when the cut is neither input nor output.
  const thresholds = plan.exits.map((e, j) => (choice[j]! < 0 ? null : e.grid[choice[j]!]!));
  const outcome = policyOutcome(plan.matrix, thresholds);
  const enabled = thresholds.flatMap((t, j) => (t === null ? [] : [j]));
  const p = (j: number) => (outcome.reached[j]! === 0 ? 0 : outcome.left[j]! / outcome.reached[j]!); // j is an enabled exit: the outcome has one entry per exit
  const minEdge = enabled.length ? plan.exits[enabled[enabled.length - 1]!]!.at : 0;
  const cut = bestCheckedCut(popexProblem(plan, rate, enabled, p), minEdge);
  const n = plan.matrix.samples;
  const layers = plan.base.layers;
  return {
    cut: cut.edgeLayers === 0 ? 'input' : cut.edgeLayers === layers.length ? 'output' : layers[cut.edgeLayers - 1]!.name,
    edgeLayers: cut.edgeLayers,
    exits: enabled.map((j) => ({
      after: plan.exits[j]!.after,
      threshold: thresholds[j]!,
      exitProbability: p(j),
      answeredFraction: outcome.left[j]! / n,
      accuracy: outcome.left[j]! === 0 ? null : outcome.leftCorrect[j]! / outcome.left[j]!,
    })),
    expectedMs: cut.expectedMs,
    expectedAccuracy: outcome.accuracy,
    uploadFraction: cut.uploadProbability,
  };
}

/** Refuses a search above the stated bounds, saying what to reduce. */
function checkSearchSize(plan: CheckedPlan): number {
  const configurations = plan.exits.reduce((c, e) => c * (1 + e.grid.length), 1);
  const limits: [number, number, string][] = [
    [configurations, MAX_EXIT_PLAN_CONFIGURATIONS, 'exit subsets x thresholds'],
    [configurations * plan.matrix.samples, MAX_EXIT_PLAN_SAMPLE_WORK, 'exit subsets x thresholds x samples'],
    [configurations * plan.rates.length, MAX_EXIT_PLAN_SOLVES, 'exit subsets x thresholds x uplink rates'],
  ];
  for (const [size, max, what] of limits) {
    if (size > max) throw new BadRequestError(`the exhaustive search is too large: ${size} ${what} (at most ${max}); use fewer thresholds per exit, fewer exits, fewer samples or fewer rates`);
  }
  return configurations;
}

/**
 * The decision table: per uplink rate, the configuration (cut, enabled exits, threshold per
 * exit) that is best for the objective, found by exhaustive search.
 */
export function planExits(input: ExitPlanInput | unknown): ExitPlan {
  // Bounds: enabled holds exit indices of the plan, read last only when not empty.
  const plan = parseExitPlanInput(input);
  const configurations = checkSearchSize(plan);
  const { objective, rates } = plan;
  const n = plan.matrix.samples;
  const best: (Candidate | undefined)[] = rates.map(() => undefined);
  const floor = 'minAccuracy' in objective ? objective.minAccuracy : -Infinity;
  const bound = 'maxLatencyMs' in objective ? objective.maxLatencyMs : Infinity;
  const enabled: number[] = [];
  enumeratePolicies(plan, (choice, reached, left, right) => {
    if (right / n < floor) return;
    enabled.length = 0;
    choice.forEach((t, j) => { if (t >= 0) enabled.push(j); });
    const minEdge = enabled.length ? plan.exits[enabled[enabled.length - 1]!]!.at : 0;
    const p = (j: number) => (reached[j]! === 0 ? 0 : left[j]! / reached[j]!); // j is an enabled exit: reached and left have one entry per exit
    rates.forEach((rate, r) => {
      const current = best[r];
      // Under a latency bound a less accurate configuration can never win: skip its shortest path.
      if (current && 'maxLatencyMs' in objective && right < current.right) return;
      const { expectedMs } = bestCheckedCut(popexProblem(plan, rate, enabled, p), minEdge);
      if (expectedMs > bound) return;
      const candidate = { ms: expectedMs, right, enabled: enabled.length, choice };
      if (better(objective, candidate, current)) best[r] = { ...candidate, choice: Int32Array.from(choice) };
    });
  });
  const off = new Int32Array(plan.exits.length).fill(-1);
  return {
    objective,
    configurations,
    decisions: rates.map((rate, r) => ({
      uplinkMbps: rate,
      best: best[r] ? configuration(plan, rate, (best[r] as Candidate).choice) : null,
      withoutExits: configuration(plan, rate, off),
    })),
  };
}
