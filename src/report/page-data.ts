/**
 * What the report page's script receives (embedded in the HTML as JSON): every chart's numbers,
 * prepared in Node by plan-report-data.ts, cut-bytes.ts and saliency-curve.ts.
 */
import type { CutBytesRow } from './cut-bytes.js';
import { type BreakdownRow, LATENCY_PARTS, type ParetoData, type ScenarioChart } from './plan-report-data.js';
import type { SaliencyCurve } from './saliency-curve.js';

export interface BreakdownChart {
  readonly labels: readonly string[];
  readonly parts: readonly { readonly label: string; readonly colour: string; readonly values: readonly (number | null)[] }[];
  /** the plan's median latency per row, and whether it was simulated */
  readonly latency: readonly (number | null)[];
  readonly simulated: readonly boolean[];
}

export interface CutBytesChart {
  readonly labels: readonly string[];
  readonly raw: readonly (number | null)[];
  readonly plan: readonly (number | null)[];
  readonly codecs: readonly (string | null)[];
  readonly recommended: readonly boolean[];
  readonly onFront: readonly boolean[];
}

export interface SaliencyChart {
  readonly labels: readonly string[];
  readonly logScore: readonly (number | null)[];
  readonly bytes: readonly (number | null)[];
  readonly candidate: readonly boolean[];
  readonly best: readonly boolean[];
  readonly planCut: readonly boolean[];
}

export interface PageData {
  readonly pareto: ParetoData;
  readonly breakdown: BreakdownChart;
  readonly scenarios: ScenarioChart;
  /** null when the plan names no cut that sends anything */
  readonly cutBytes: CutBytesChart | null;
  /** null without saliency scores */
  readonly saliency: SaliencyChart | null;
}

export function breakdownChart(rows: readonly BreakdownRow[]): BreakdownChart {
  return {
    labels: rows.map((r) => r.label),
    parts: LATENCY_PARTS.map((p, k) => ({ label: p.label, colour: p.colour, values: rows.map((r) => r.parts[k] ?? null) })),
    latency: rows.map((r) => r.latencyMs),
    simulated: rows.map((r) => r.latencySource === 'simulated'),
  };
}

/** The chart of bytes per cut; null when no row has a figure (then the table alone says what is known). */
export function cutBytesChart(rows: readonly CutBytesRow[]): CutBytesChart | null {
  if (!rows.some((r) => r.rawBytes !== null)) return null;
  return {
    labels: rows.map((r) => r.label),
    raw: rows.map((r) => r.rawBytes),
    plan: rows.map((r) => r.planBytes),
    codecs: rows.map((r) => r.planCodec),
    recommended: rows.map((r) => r.recommended),
    onFront: rows.map((r) => r.onFront),
  };
}

export function saliencyChart(curve: SaliencyCurve | null): SaliencyChart | null {
  if (!curve) return null;
  const p = curve.points;
  return {
    labels: p.map((x) => x.tensor),
    logScore: p.map((x) => x.logScore),
    bytes: p.map((x) => x.bytes),
    candidate: p.map((x) => x.candidate),
    best: p.map((x) => x.best),
    planCut: p.map((x) => x.planCut),
  };
}
