/**
 * From plan.json to what the report's charts draw: plain numbers and strings the page script
 * hands to Chart.js, computed here (in Node, tested) so that the page only draws.
 */
import type { PlanDocument, PlanEntry } from '../qos/plan-file.js';
import { SCENARIOS, type ScenarioName } from '../qos/plan.js';
import { cutLabel, entryLabeller, entryLines, SCENARIO_TITLES } from './plan-labels.js';

/** One front member on the Pareto plot. */
export interface ParetoPoint {
  /** latency (p50, or p99 when the requirement bounds it), ms; unbounded ones at the right edge */
  readonly x: number;
  /** accuracy, a fraction */
  readonly y: number;
  /** radius in px, growing with log bytes sent per inference */
  readonly r: number;
  /** index in the plan's front */
  readonly entry: number;
  /** the latency is unbounded (an unstable queue): drawn at the right edge as a triangle */
  readonly unbounded: boolean;
  readonly feasible: boolean;
}

/** The front members of one cut: one colour. */
export interface ParetoSeries {
  readonly label: string;
  readonly colour: string;
  readonly points: readonly ParetoPoint[];
}

/** A requirement drawn on the plot. */
export interface RequirementLine {
  readonly axis: 'x' | 'y';
  readonly value: number;
  readonly label: string;
}

export interface ParetoData {
  readonly xTitle: string;
  readonly yTitle: string;
  readonly xScale: 'linear' | 'logarithmic';
  readonly series: readonly ParetoSeries[];
  /** the recommended configuration's place and its ring's radius (null when its latency is unbounded) */
  readonly recommended: { readonly x: number; readonly y: number; readonly r: number; readonly entry: number } | null;
  /** some front member's latency is unbounded */
  readonly unbounded: boolean;
  readonly lines: readonly RequirementLine[];
  /** per front member: the whole configuration, a line per field (the hover) */
  readonly hover: readonly (readonly string[])[];
  /** the recommended configuration's lines */
  readonly recommendedHover: readonly string[];
}

/** A categorical palette (Tableau 10), then hues spread by the golden angle; always #rrggbb. */
export function cutColour(i: number): string {
  const TABLEAU = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const fixed = TABLEAU[i];
  if (fixed) return fixed;
  // HSL (h, 55%, 45%) to RGB: f(n) = l - a max(-1, min(k - 3, 9 - k, 1)), k = (n + h / 30) mod 12.
  const h = (i * 137.508) % 360;
  const [s, l] = [0.55, 0.45];
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)))).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** Radius for `bytes` when the most sent is `most`: 4 px for nothing, 14 px for the most, log in between. */
export function bytesRadius(bytes: number, most: number): number {
  if (!(most > 0) || !(bytes > 0)) return 4;
  return 4 + 10 * (Math.log1p(bytes) / Math.log1p(most));
}

const percentileOf = (doc: PlanDocument): 'p50' | 'p99' => doc.requirements.latencyPercentile;
const latencyOf = (doc: PlanDocument, e: PlanEntry): number | null => (percentileOf(doc) === 'p99' ? e.objectives.p99Ms : e.objectives.latencyMs);

/**
 * The order of the cuts for colours and legends: `order` (the network's order, when the model is
 * at hand) first, then the others as the front first names them.
 */
function cutOrder(doc: PlanDocument, order: readonly string[]): string[] {
  const seen = new Set<string>();
  const add = (l: string) => seen.add(l);
  add('(remote)');
  for (const l of order) add(l);
  for (const e of doc.front) add(cutLabel(e));
  add('(local)');
  const used = new Set(doc.front.map(cutLabel));
  return [...seen].filter((l) => used.has(l));
}

/** The Pareto plot: the front, a series per cut, the recommendation and the requirement lines. */
export function paretoData(doc: PlanDocument, networkOrder: readonly string[] = []): ParetoData {
  const p = percentileOf(doc);
  const finite = doc.front.map((e) => latencyOf(doc, e)).filter((x): x is number => x !== null && Number.isFinite(x));
  const lo = finite.length ? Math.min(...finite) : 1;
  const hi = finite.length ? Math.max(...finite) : 1;
  const log = lo > 0 && hi / lo > 30;
  // Unbounded latencies sit past the largest finite one (x 2 on a log axis, + 25% of the span on a linear one).
  const edge = log ? hi * 2 : hi + Math.max(0.25 * (hi - lo), 0.1 * hi, 1);
  const most = Math.max(0, ...doc.front.map((e) => e.objectives.bytes ?? 0));
  const point = (e: PlanEntry, entry: number): ParetoPoint => {
    const x = latencyOf(doc, e);
    return { x: x ?? edge, y: e.objectives.accuracy ?? 0, r: bytesRadius(e.objectives.bytes ?? most, most), entry, unbounded: x === null, feasible: e.feasible };
  };
  const labels = cutOrder(doc, networkOrder);
  const series = labels.map((label, i) => ({
    label,
    colour: cutColour(i),
    points: doc.front.flatMap((e, k) => (cutLabel(e) === label ? [point(e, k)] : [])),
  }));
  const r = doc.requirements;
  const lines: RequirementLine[] = [];
  if (r.maxLatencyMs !== undefined) lines.push({ axis: 'x', value: r.maxLatencyMs, label: `${r.latencyPercentile} ≤ ${r.maxLatencyMs} ms` });
  if (r.minAccuracy !== undefined) lines.push({ axis: 'y', value: r.minAccuracy, label: `accuracy ≥ ${r.minAccuracy}` });
  const at = doc.front.findIndex((e) => e.id === doc.recommended.id);
  const rx = latencyOf(doc, doc.recommended);
  const sources = new Set(doc.front.map((e) => e.objectives.accuracySource));
  const simulated = doc.front.some((e) => e.latencySource === 'simulated');
  return {
    xTitle: `${p} latency, ms (${simulated ? 'the simulator\'s where it re-timed a configuration, else analytic' : 'analytic'}${log ? '; log scale' : ''})`,
    yTitle: `top-1 accuracy (${sources.size === 1 ? [...sources][0] : 'measured or predicted: see each point'})`,
    xScale: log ? 'logarithmic' : 'linear',
    series,
    recommended: rx === null ? null : { x: rx, y: doc.recommended.objectives.accuracy ?? 0, r: bytesRadius(doc.recommended.objectives.bytes ?? 0, most) + 6, entry: at },
    unbounded: series.some((x) => x.points.some((q) => q.unbounded)),
    lines,
    hover: doc.front.map(entryLines),
    recommendedHover: entryLines(doc.recommended),
  };
}

/** The parts of a configuration's latency, in the order they happen (LatencyBreakdown's fields). */
export const LATENCY_PARTS = [
  { key: 'headMs', label: 'head', colour: '#4e79a7' },
  { key: 'exitMs', label: 'exits', colour: '#a0cbe8' },
  { key: 'encodeMs', label: 'encode', colour: '#f28e2b' },
  { key: 'uplinkQueueMs', label: 'uplink queue', colour: '#ffbe7d' },
  { key: 'transferMs', label: 'uplink (transfer + reply)', colour: '#e15759' },
  { key: 'serverQueueMs', label: 'server queue', colour: '#bab0ac' },
  { key: 'tailMs', label: 'tail (+ decode)', colour: '#59a14f' },
] as const;

/** One configuration's latency broken down. */
export interface BreakdownRow {
  readonly label: string;
  readonly id: string;
  readonly recommended: boolean;
  /** per LATENCY_PARTS, ms; null where a queue is unbounded */
  readonly parts: readonly (number | null)[];
  /** the sum of the parts: the analytic latency of an inference that is sent (null when unbounded) */
  readonly sentMs: number | null;
  /** the plan's median latency (and where it came from) */
  readonly latencyMs: number | null;
  readonly latencySource: PlanEntry['latencySource'];
  /** fraction of the inferences sent (the rest answered at an exit, or all kept when local) */
  readonly uploadFraction: number;
}

/** The recommended configuration, then the front best margin first, at most `max` rows. */
export function breakdownRows(doc: PlanDocument, max = 20): BreakdownRow[] {
  const label = entryLabeller(doc);
  const entries = [doc.recommended, ...doc.front.filter((e) => e.id !== doc.recommended.id)].slice(0, Math.max(1, max));
  return entries.map((e) => {
    const parts = LATENCY_PARTS.map((p) => e.breakdown[p.key]);
    const sentMs = parts.some((v) => v === null) ? null : parts.reduce<number>((s, v) => s + (v ?? 0), 0);
    return {
      label: `${e.id === doc.recommended.id ? '★ ' : ''}${label(e)}`,
      id: e.id,
      recommended: e.id === doc.recommended.id,
      parts,
      sentMs,
      latencyMs: e.objectives.latencyMs,
      latencySource: e.latencySource,
      uploadFraction: e.breakdown.uploadFraction ?? 0,
    };
  });
}

/** Split-Et-Impera's four scenarios side by side. */
export interface ScenarioRow {
  readonly name: ScenarioName;
  readonly title: string;
  readonly entry: PlanEntry | null;
}

export function scenarioRows(doc: PlanDocument): ScenarioRow[] {
  return SCENARIOS.map((name) => ({ name, title: SCENARIO_TITLES[name], entry: doc.scenarios[name] }));
}

/** The scenarios' charts: latency (p50, p99) and energy per scenario; null bars where a scenario is absent or unbounded. */
export interface ScenarioChart {
  readonly labels: readonly string[];
  readonly p50: readonly (number | null)[];
  readonly p99: readonly (number | null)[];
  readonly energy: readonly (number | null)[];
  readonly meets: readonly (boolean | null)[];
}

export function scenarioChart(doc: PlanDocument): ScenarioChart {
  const rows = scenarioRows(doc);
  return {
    labels: rows.map((r) => r.title),
    p50: rows.map((r) => r.entry?.objectives.latencyMs ?? null),
    p99: rows.map((r) => r.entry?.objectives.p99Ms ?? null),
    energy: rows.map((r) => r.entry?.objectives.energyMj ?? null),
    meets: rows.map((r) => r.entry?.feasible ?? null),
  };
}
