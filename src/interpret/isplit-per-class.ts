import { type IsplitRanking, rankCuts, type RankOptions, type SaliencyScan } from './isplit.js';

/** One class's own ranking. */
export interface ClassRanking {
  readonly class: number;
  readonly name: string;
  readonly ranking: IsplitRanking;
}

export interface PerClassRankings {
  /** every scanned class (one with images), in class order */
  readonly perClass: readonly ClassRanking[];
  /** recommended cut -> the classes it is recommended for */
  readonly bestCuts: ReadonlyMap<string, readonly number[]>;
  /** whether the classes disagree on the best cut (the paper's per-class question) */
  readonly differs: boolean;
}

/** Ranks the cuts once per scanned class, from one scan. */
export function rankPerClass(scan: SaliencyScan, options: RankOptions = {}): PerClassRankings {
  const scanned = Array.from({ length: scan.classes }, (_, c) => c).filter((c) => (scan.counts[c] ?? 0) > 0);
  const perClass = scanned.map((c) => ({ class: c, name: scan.classNames[c] ?? String(c), ranking: rankCuts(scan, [c], options) }));
  const bestCuts = new Map<string, number[]>();
  for (const p of perClass) bestCuts.set(p.ranking.recommended, [...(bestCuts.get(p.ranking.recommended) ?? []), p.class]);
  return { perClass, bestCuts, differs: bestCuts.size > 1 };
}
