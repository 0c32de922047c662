/**
 * Requirements on a configuration's objectives, and how far a configuration is from meeting
 * them.
 *
 * Slack of one requirement, normalised so that requirements of different units compare:
 *   upper bound U on x (latency, edge memory, energy, bytes):   s = (U - x) / U
 *   lower bound A on the accuracy a:                            s = (a - A) / (1 - A)   (A < 1)
 *                                                               s = a - 1               (A = 1)
 * s >= 0 when the requirement is met; s is the fraction of the budget left unused (of the time,
 * memory, energy or bytes allowed; of the error rate allowed, 1 - A), negative by the fraction
 * it is overrun. The margin of a configuration is the least slack over the requirements given
 * (+Infinity when none is given): it is feasible when its margin is >= 0, and the recommendation
 * is the feasible configuration of largest margin, the one that meets its tightest requirement
 * with the most room.
 */
import type { Objectives } from './configuration.js';
import { BadRequestError } from '../errors.js';

/** What the application needs; absent fields are not required. */
export interface Requirements {
  /** bound on the median latency, or on the 99th percentile with `percentile: 'p99'` */
  readonly maxLatencyMs?: number;
  readonly latencyPercentile?: 'p50' | 'p99';
  readonly minAccuracy?: number;
  readonly maxEdgeMemoryBytes?: number;
  readonly maxEnergyMj?: number;
  readonly maxBytes?: number;
}

/** The requirements by their command-line names, in the order they are reported. */
export type RequirementName = 'max-latency' | 'min-accuracy' | 'max-edge-memory' | 'max-energy' | 'max-bytes';

/** One requirement a configuration does not meet. */
export interface Miss {
  readonly requirement: RequirementName;
  /** the bound */
  readonly limit: number;
  /** the configuration's value */
  readonly value: number;
  /** how far past the bound, in the objective's unit (value - limit, or limit - value for accuracy) */
  readonly by: number;
  /** the slack (negative): the fraction of the budget overrun */
  readonly slack: number;
}

/** Checks bounds a user gave; errors name the requirement. */
export function checkRequirements(r: Requirements): void {
  const positive = (v: number | undefined, name: RequirementName): void => {
    if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new BadRequestError(`--${name} must be a positive finite number, got ${v}`);
  };
  positive(r.maxLatencyMs, 'max-latency');
  positive(r.maxEdgeMemoryBytes, 'max-edge-memory');
  positive(r.maxEnergyMj, 'max-energy');
  positive(r.maxBytes, 'max-bytes');
  if (r.minAccuracy !== undefined && !(r.minAccuracy >= 0 && r.minAccuracy <= 1)) throw new BadRequestError(`--min-accuracy must be from 0 to 1, got ${r.minAccuracy}`);
}

/** Slack of an upper bound; Infinity values (an unstable queue) overrun by -Infinity. */
export function upperSlack(value: number, limit: number): number {
  return (limit - value) / limit;
}

/** Slack of the accuracy's lower bound. */
export function accuracySlack(value: number, limit: number): number {
  return limit < 1 ? (value - limit) / (1 - limit) : value - 1;
}

/** The latency the requirement bounds: the median, or the 99th percentile. */
export function boundedLatency(r: Requirements, o: Pick<Objectives, 'latencyMs' | 'p99Ms'>): number {
  return r.latencyPercentile === 'p99' ? o.p99Ms : o.latencyMs;
}

/** Each requirement given, with the configuration's value and slack. */
export function slacks(r: Requirements, o: Objectives): { requirement: RequirementName; limit: number; value: number; slack: number }[] {
  const out: { requirement: RequirementName; limit: number; value: number; slack: number }[] = [];
  const upper = (requirement: RequirementName, limit: number | undefined, value: number): void => {
    if (limit !== undefined) out.push({ requirement, limit, value, slack: upperSlack(value, limit) });
  };
  upper('max-latency', r.maxLatencyMs, boundedLatency(r, o));
  if (r.minAccuracy !== undefined) out.push({ requirement: 'min-accuracy', limit: r.minAccuracy, value: o.accuracy, slack: accuracySlack(o.accuracy, r.minAccuracy) });
  upper('max-edge-memory', r.maxEdgeMemoryBytes, o.edgeMemoryBytes);
  upper('max-energy', r.maxEnergyMj, o.energyMj);
  upper('max-bytes', r.maxBytes, o.bytes);
  return out;
}

/** The least slack over the requirements given (+Infinity for none). */
export function margin(r: Requirements, o: Objectives): number {
  return slacks(r, o).reduce((m, s) => Math.min(m, s.slack), Infinity);
}

/** The requirements a configuration misses, and by how much. */
export function misses(r: Requirements, o: Objectives): Miss[] {
  return slacks(r, o)
    .filter((s) => s.slack < 0)
    .map((s) => ({ ...s, by: s.requirement === 'min-accuracy' ? s.limit - s.value : s.value - s.limit }));
}

/** True when some requirement is given. */
export function hasRequirements(r: Requirements): boolean {
  return r.maxLatencyMs !== undefined || r.minAccuracy !== undefined || r.maxEdgeMemoryBytes !== undefined || r.maxEnergyMj !== undefined || r.maxBytes !== undefined;
}
