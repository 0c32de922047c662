/**
 * What a deployment did against what its plan predicted: latency (median and 99th percentile by
 * nearest rank, as the simulator reports them), bytes per inference (the encoded cut tensor,
 * 0 for an answer from an exit, averaged over every inference: the plan's `bytes`), the share of
 * inferences sent, and accuracy on labelled inputs.
 *
 * The plan times the device and network it names; a run measures the machine and link it runs
 * on, so latencies agree only when those are the plan's. Bytes, upload fraction and accuracy do
 * not depend on the machine: a run on the images the plan measured reproduces them.
 */
import { nearestRank } from '../net/stats.js';
import type { DeployEdgeConfig } from './edge-config.js';

/** One inference as the edge client reported it. */
export interface MeasuredInference {
  /** server, exit-<k>, local-exit, local-full */
  readonly origin: string;
  /** capture to answer, ms */
  readonly totalMs: number;
  /** encoded bytes of the cut tensor (counted when it was sent) */
  readonly cutBytes: number;
  /** request body bytes (header and cut tensor); 0 when nothing was sent */
  readonly requestBytes: number;
  /** whether the answer is the label; null when unlabelled */
  readonly correct: boolean | null;
}

export interface PlanComparison {
  readonly entry: string;
  readonly device: string;
  readonly network: string;
  readonly predicted: {
    readonly latencyMs: number | null;
    readonly p99Ms: number | null;
    readonly latencySource: 'analytic' | 'simulated';
    readonly bytes: number;
    readonly uploadFraction: number;
    readonly accuracy: number;
    readonly accuracySource: 'measured' | 'predicted';
  };
  readonly measured: {
    readonly inferences: number;
    readonly latencyMs: number;
    readonly p99Ms: number;
    readonly bytes: number;
    readonly requestBytes: number;
    readonly uploadFraction: number;
    /** null when no input was labelled */
    readonly accuracy: number | null;
    readonly labelled: number;
    readonly origins: Readonly<Record<string, number>>;
  };
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

export function comparePlan(config: DeployEdgeConfig, runs: readonly MeasuredInference[]): PlanComparison {
  const p = config.predicted;
  const times = runs.map((r) => r.totalMs).sort((a, b) => a - b);
  const labelled = runs.filter((r) => r.correct !== null);
  const sent = runs.filter((r) => r.requestBytes > 0);
  const origins: Record<string, number> = {};
  for (const r of runs) origins[r.origin] = (origins[r.origin] ?? 0) + 1;
  return {
    entry: config.plan.entry,
    device: config.device,
    network: config.network,
    predicted: {
      latencyMs: p.latencyMs, p99Ms: p.p99Ms, latencySource: p.latencySource, bytes: p.bytes, uploadFraction: p.uploadFraction,
      accuracy: p.accuracy, accuracySource: p.accuracySource,
    },
    measured: {
      inferences: runs.length,
      latencyMs: runs.length ? nearestRank(times, 0.5) : 0,
      p99Ms: runs.length ? nearestRank(times, 0.99) : 0,
      bytes: mean(runs.map((r) => (r.requestBytes > 0 ? r.cutBytes : 0))),
      requestBytes: mean(runs.map((r) => r.requestBytes)),
      uploadFraction: runs.length ? sent.length / runs.length : 0,
      accuracy: labelled.length ? labelled.filter((r) => r.correct).length / labelled.length : null,
      labelled: labelled.length,
      origins,
    },
  };
}
