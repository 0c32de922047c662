/**
 * Side-by-side measurement against a reference: cleave and the reference run alternately in the
 * same session (cleave, reference, cleave, reference, ... each a fresh process), and what is
 * quoted is the median of the per-pair ratios with their spread, never a ratio to a figure from
 * another day. The 1-minute load average is recorded with every pair: PyTorch slows far more
 * than ONNX Runtime when another job takes a core, so a ratio from a loaded machine flatters
 * cleave; such runs are flagged.
 */
import { loadavg } from 'node:os';
import { quantile } from '../../src/net/stats.js';

/**
 * A run is flagged as loaded when the 1-minute load average exceeded this on the 2-core machine:
 * the bench's own 2 threads account for about 2.
 */
export const LOADED_ABOVE = 2.5;

/** Median, quartiles and range of per-pair ratios (or of any repeated figure). */
export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75), min: s[0] ?? 0, max: s[s.length - 1] ?? 0, n: s.length };
}

/** "1.32x (1.21-1.40, 5 pairs)": the median ratio, its range and what it is the median of. */
export function formatRatio(r: Spread, digits = 2, unit = 'pair'): string {
  return `${r.median.toFixed(digits)}x (${r.min.toFixed(digits)}-${r.max.toFixed(digits)}, ${r.n} ${unit}${r.n === 1 ? '' : 's'})`;
}

/** The 1-minute load averages seen during a run. */
export interface LoadRecord {
  readonly samples: readonly number[];
  readonly median: number;
  readonly max: number;
  /** max > LOADED_ABOVE: other jobs took CPU time during the run */
  readonly loaded: boolean;
}

export function loadRecord(samples: readonly number[]): LoadRecord {
  const max = Math.max(0, ...samples);
  return { samples, median: spread(samples).median, max, loaded: max > LOADED_ABOVE };
}

/** "load 1.2-1.9", or "load 8.1-12.0 (LOADED: above 2.5)" when other jobs took CPU time. */
export function formatLoad(l: LoadRecord): string {
  const range = `load ${Math.min(...l.samples).toFixed(1)}-${l.max.toFixed(1)}`;
  return l.loaded ? `${range} (LOADED: above ${LOADED_ABOVE})` : range;
}

/** The 1-minute load average now. */
export function loadNow(): number {
  return loadavg()[0] ?? 0;
}

/** What `alternate` measured: each side's results in run order and the load before each pair. */
export interface Alternated<A, B> {
  readonly cleave: readonly A[];
  readonly reference: readonly B[];
  readonly load: LoadRecord;
}

/**
 * Runs `pairs` pairs, cleave first then the reference, recording the load average before each
 * pair and once after the last. Without a reference (not installed), cleave's runs alone.
 */
export function alternate<A, B>(pairs: number, cleave: (pair: number) => A, reference: ((pair: number) => B) | undefined): Alternated<A, B> {
  const a: A[] = [];
  const b: B[] = [];
  const load: number[] = [];
  for (let i = 0; i < pairs; i++) {
    load.push(loadNow());
    a.push(cleave(i));
    if (reference) b.push(reference(i));
  }
  load.push(loadNow());
  return { cleave: a, reference: b, load: loadRecord(load) };
}

/** The per-pair ratios cleave / reference of a figure both sides report. */
export function pairRatios<A, B>(runs: Alternated<A, B>, ours: (a: A) => number, theirs: (b: B) => number): Spread {
  return spread(runs.cleave.map((a, i) => ours(a) / theirs(runs.reference[i] as B)));
}
