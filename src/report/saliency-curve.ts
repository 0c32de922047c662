/**
 * The I-SPLIT saliency curve for the report: log S(l) along the network, its local maxima (the
 * candidate cuts) and its global maximum, from a ranking computed now (`isplit`) or read from
 * `cleave rank --json` (scores only: candidates and maximum are found again from them).
 */
import { localMaxima } from '../interpret/isplit-stats.js';

/** One scored cut as a ranking gives it, in the network's order. */
export interface ScoredCut {
  readonly tensor: string;
  /** S(l) >= 0 */
  readonly score: number;
  /** bytes crossing per inference (null when not known) */
  readonly bytes: number | null;
}

export interface SaliencyPoint {
  readonly tensor: string;
  /** ln S(l); null for S = 0 (an all-zero map) */
  readonly logScore: number | null;
  readonly bytes: number | null;
  /** a local maximum of log S: an I-SPLIT candidate cut */
  readonly candidate: boolean;
  /** the global maximum: I-SPLIT's choice */
  readonly best: boolean;
  /** the plan's recommended configuration cuts here */
  readonly planCut: boolean;
}

export interface SaliencyCurve {
  /** where the scores came from, in words */
  readonly source: string;
  readonly points: readonly SaliencyPoint[];
}

/** The curve of `cuts` (network order); `planCut` is the recommended configuration's cut tensors. */
export function saliencyCurve(cuts: readonly ScoredCut[], source: string, planCut: readonly string[] = []): SaliencyCurve {
  const logs = cuts.map((c) => Math.log(c.score));
  const maxima = new Set(localMaxima(logs.map((v) => (Number.isNaN(v) ? -Infinity : v))));
  let best = -1;
  cuts.forEach((c, j) => { if (best < 0 || c.score > cuts[best]!.score) best = j; }); // best >= 0 is an index already visited
  const plan = planCut.length === 1 ? planCut[0] : undefined;
  return {
    source,
    points: cuts.map((c, j) => ({
      tensor: c.tensor,
      // logs has one entry per cut
      logScore: Number.isFinite(logs[j]) ? logs[j]! : null,
      bytes: c.bytes,
      candidate: maxima.has(j),
      best: j === best,
      planCut: c.tensor === plan,
    })),
  };
}

/**
 * The layers to draw Grad-CAM at: the plan's recommended cut, then I-SPLIT's choice and its other
 * candidates by score, then the other cuts by score; those with a spatial map only (`spatial`),
 * at most `max`.
 */
export function camLayers(curve: SaliencyCurve, planCut: readonly string[], spatial: (tensor: string) => boolean, max: number): string[] {
  const byScore = [...curve.points].sort((a, b) => (b.logScore ?? -Infinity) - (a.logScore ?? -Infinity));
  // planCut[0] is read when the cut has one tensor
  const wanted = [
    ...(planCut.length === 1 ? [planCut[0]!] : []),
    ...byScore.filter((p) => p.best).map((p) => p.tensor),
    ...byScore.filter((p) => p.candidate).map((p) => p.tensor),
    ...byScore.map((p) => p.tensor),
  ];
  return [...new Set(wanted)].filter(spatial).slice(0, Math.max(0, max));
}
