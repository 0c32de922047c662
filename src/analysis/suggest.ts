import type { CutPoint } from './cut-points.js';

/**
 * A first guess at a good cut before any profiling: among single-tensor cuts whose head does at
 * most `maxHeadShare` of the work (an edge device is the slow side), the one that sends the
 * fewest bytes; ties go to the smaller head. Undefined when no cut qualifies.
 */
export function suggestCut(cuts: readonly CutPoint[], maxHeadShare = 0.5): CutPoint | undefined {
  const candidates = cuts.filter((c) => c.tensors.length === 1 && c.headFlops <= maxHeadShare * (c.headFlops + c.tailFlops));
  return [...candidates].sort((a, b) => a.bytes - b.bytes || a.headFlops - b.headFlops)[0];
}
