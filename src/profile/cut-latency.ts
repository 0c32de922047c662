/**
 * Head and tail latency of every cut point from per-node latencies: the head runs exactly the
 * nodes `headFor` assigns it (the producers of the cut tensors and their ancestors), the tail
 * every other node, so head + tail always equals the sum over all nodes.
 */
import type { Analysis } from '../analysis/analyze.js';
import type { CutPoint } from '../analysis/cut-points.js';
import { headFor } from '../analysis/dataflow.js';

export interface CutLatency {
  readonly tensors: readonly string[];
  readonly bytes: number;
  readonly afterNode: string;
  readonly headFlops: number;
  readonly tailFlops: number;
  /** sum of the head's node latencies, ms */
  readonly headMs: number;
  /** sum of the tail's node latencies, ms */
  readonly tailMs: number;
}

/** Head/tail sums of `nodeMs` (indexed like analysis.nodes) for each cut point. */
export function cutLatencies(analysis: Analysis, nodeMs: readonly number[], cuts: readonly CutPoint[] = analysis.cutPoints): CutLatency[] {
  const total = nodeMs.reduce((s, t) => s + t, 0);
  return cuts.map((c) => {
    let headMs = 0;
    for (const i of headFor(analysis.dataflow, c.tensors)) headMs += nodeMs[i] ?? 0;
    return {
      tensors: c.tensors,
      bytes: c.bytes,
      afterNode: c.afterNode,
      headFlops: c.headFlops,
      tailFlops: c.tailFlops,
      headMs,
      tailMs: total - headMs,
    };
  });
}
