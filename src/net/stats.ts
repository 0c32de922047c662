/**
 * Robust summaries of repeated latency samples. Timings on a shared machine have a long right
 * tail (another process takes the core), so cleave reports the median and a spread that a few
 * outliers do not move: the 10th/90th percentiles and the median absolute deviation. The
 * simulator and the profiler both use them; they live here, in the lower of the two layers.
 */

/** Summary of repeated measurements of one duration, ms. */
export interface LatencyStats {
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  /** median absolute deviation from the median */
  readonly madMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samples: number;
}

/** The q-quantile (0..1) of sorted values, linear between order statistics (NumPy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  // Bounds: the list is not empty (checked), and lo <= hi <= length - 1 for q in 0..1.
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/**
 * The q-quantile (0..1) of sorted values by nearest rank: always one of the values (the
 * simulator reports its percentiles this way, like most load generators).
 */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!; // the index is clamped to 0..n - 1
}

/** The median of values (0 for none). */
export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** Median, p10/p90, MAD, min and max of samples in ms (all 0 for no samples). */
export function summarize(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const medianMs = quantile(sorted, 0.5);
  const deviations = sorted.map((x) => Math.abs(x - medianMs)).sort((a, b) => a - b);
  return {
    medianMs,
    p10Ms: quantile(sorted, 0.1),
    p90Ms: quantile(sorted, 0.9),
    madMs: quantile(deviations, 0.5),
    minMs: sorted[0] ?? 0,
    maxMs: sorted[sorted.length - 1] ?? 0,
    samples: sorted.length,
  };
}
