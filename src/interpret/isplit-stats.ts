import { BadRequestError } from '../errors.js';

/**
 * Ranks 1..n of `values` (1 = the largest when `descending`, else the smallest); tied values share the
 * mean of the ranks they span, as Spearman's coefficient needs.
 */
export function averageRanks(values: readonly number[], descending = true): number[] {
  // Bounds: order is a permutation of 0..values.length - 1, and i <= j, k stay below its length.
  const order = values.map((_, i) => i).sort((a, b) => {
    const d = values[a]! - values[b]!;
    return (descending ? -d : d) || a - b;
  });
  const ranks = new Array<number>(values.length).fill(0);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = mean;
    i = j + 1;
  }
  return ranks;
}

/** Pearson correlation of two equally long series; NaN when one of them is constant. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  // Bounds: i < n = a.length = b.length (checked).
  if (a.length !== b.length) throw new BadRequestError(`correlation of series of different lengths (${a.length}, ${b.length})`);
  const n = a.length;
  if (n < 2) return Number.NaN;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb);
}

/** Spearman's rank correlation: Pearson's on average ranks (ties handled). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(averageRanks(a, false), averageRanks(b, false));
}

/**
 * Indexes of the local maxima of a series along the network: a maximal run of equal values
 * (a layer and an identity after it score the same) is a maximum when it is higher than the
 * runs on both sides (a missing side counts as lower); its first index is reported.
 */
export function localMaxima(values: readonly number[]): number[] {
  const runs: { start: number; value: number }[] = [];
  values.forEach((v, i) => {
    const last = runs[runs.length - 1];
    if (!last || last.value !== v) runs.push({ start: i, value: v });
  });
  const out: number[] = [];
  runs.forEach((r, k) => {
    const left = runs[k - 1]?.value ?? Number.NEGATIVE_INFINITY;
    const right = runs[k + 1]?.value ?? Number.NEGATIVE_INFINITY;
    if (r.value > left && r.value > right) out.push(r.start);
  });
  return out;
}
