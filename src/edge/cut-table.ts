/**
 * Which of several candidate cuts is best at which uplink rate: the POPEX table (pure code: it
 * runs in the browser too). POPEX's expected time of cut s (src/exits/popex.ts) depends on the
 * rate B only through the upload, R_s tx(bytes_s), with tx = 8 bytes / (1000 B) + rtt, so
 *
 *   T_s(B) = fixedMs_s + uploadMsAt1Mbps_s / B,   uploadMsAt1Mbps_s = R_s 8 bytes_s / 1000.
 *
 * One POPEX solve (at 1 Mbit/s) gives every T_s(1) and R_s, hence both terms. The best cut at
 * B is the lower envelope of these lines in x = 1 / B: the table lists it as rate bands, each
 * with the cut that is best inside it, computed once per candidate set.
 */
import { BadRequestError } from '../errors.js';
import { type CheckedPopexProblem, solveCheckedPopex, transmitMs } from '../exits/popex.js';

/** A candidate cut's expected time as a function of the rate. */
export interface CutCost {
  /** "input", a layer name, or "output" */
  readonly cut: string;
  /** layers on the edge */
  readonly edgeLayers: number;
  /** the part of the expected time that does not depend on the rate, ms */
  readonly fixedMs: number;
  /** the expected upload time at 1 Mbit/s (R_s 8 bytes / 1000), ms; divide by the rate */
  readonly uploadMsAt1Mbps: number;
  /** bytes uploaded when a sample is sent, and the fraction of samples sent (R_s) */
  readonly uploadBytes: number;
  readonly uploadProbability: number;
}

/** A range of rates, [fromMbps, toMbps), where `cut` has the lowest expected time. */
export interface RateBand {
  readonly cut: string;
  readonly fromMbps: number;
  /** Infinity for the band of the fastest rates (null in JSON) */
  readonly toMbps: number;
}

export class CutTable {
  private readonly byName: ReadonlyMap<string, CutCost>;

  private constructor(
    /** the candidates, in the order given */
    readonly costs: readonly CutCost[],
    /** by ascending rate; adjacent bands have different cuts */
    readonly bands: readonly RateBand[],
  ) {
    this.byName = new Map(costs.map((c) => [c.cut, c]));
  }

  /** The table of `candidates` (cut names: "input", layer names, "output") of a checked POPEX problem. */
  static fromProblem(problem: CheckedPopexProblem, candidates: readonly string[]): CutTable {
    if (candidates.length === 0) throw new BadRequestError('give at least one candidate cut');
    const solved = solveCheckedPopex({ ...problem, uplinkMbps: 1 });
    const n = problem.layers.length;
    const seen = new Set<string>();
    const costs = candidates.map((cut): CutCost => {
      if (seen.has(cut)) throw new BadRequestError(`candidate cut "${cut}" is listed twice`);
      seen.add(cut);
      const row = solved.cuts.find((c) => c.cut === cut);
      if (!row) throw new BadRequestError(`candidate cut "${cut}" names no layer (layers: ${problem.layers.slice(0, 8).map((l) => l.name).join(', ')}${n > 8 ? ', ...' : ''})`);
      const s = row.edgeLayers;
      const uploadBytes = s === n ? 0 : s === 0 ? problem.inputBytes : problem.layers[s - 1]!.outputBytes; // s in 1..n - 1 here: a layer index + 1
      const uploadMsAt1Mbps = row.uploadProbability * transmitMs(uploadBytes, 1, 0);
      return { cut, edgeLayers: s, fixedMs: row.expectedMs - uploadMsAt1Mbps, uploadMsAt1Mbps, uploadBytes, uploadProbability: row.uploadProbability };
    });
    return new CutTable(costs, envelope(costs));
  }

  /** The expected time of a candidate at `mbps`, ms. */
  expectedMs(cut: string, mbps: number): number {
    const c = this.byName.get(cut);
    if (!c) throw new BadRequestError(`"${cut}" is not a candidate cut (candidates: ${this.costs.map((x) => x.cut).join(', ')})`);
    return c.fixedMs + c.uploadMsAt1Mbps / mbps;
  }

  /** The candidate with the lowest expected time at `mbps`, read off the bands. */
  best(mbps: number): string {
    let lo = 0;
    let hi = this.bands.length - 1;
    // The last band whose fromMbps <= mbps.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bands[mid]!.fromMbps <= mbps) lo = mid;
      else hi = mid - 1;
    }
    return this.bands[lo]!.cut; // lo < bands.length (a binary search over the bands)
  }

  has(cut: string): boolean {
    return this.byName.has(cut);
  }
}

/**
 * The lower envelope of the lines fixedMs + uploadMsAt1Mbps x over x = 1 / rate in [0, inf),
 * walked from x = 0 (infinite rate: the smallest fixed time wins) towards slow links: at each
 * step the line that is lowest now is left for the first line with a smaller slope that
 * crosses it. Ties go to the smaller slope, then the earlier candidate.
 */
function envelope(costs: readonly CutCost[]): RateBand[] {
  const before = (a: CutCost, b: CutCost) => a.fixedMs < b.fixedMs || (a.fixedMs === b.fixedMs && a.uploadMsAt1Mbps < b.uploadMsAt1Mbps);
  let current = costs.reduce((best, c) => (before(c, best) ? c : best));
  let x0 = 0;
  // Pieces in x, from fast links to slow ones.
  const pieces: { cut: string; fromX: number; toX: number }[] = [];
  for (;;) {
    let next: CutCost | undefined;
    let nextX = Infinity;
    for (const c of costs) {
      if (c.uploadMsAt1Mbps >= current.uploadMsAt1Mbps) continue;
      const x = Math.max(x0, (c.fixedMs - current.fixedMs) / (current.uploadMsAt1Mbps - c.uploadMsAt1Mbps));
      if (x < nextX || (x === nextX && next && c.uploadMsAt1Mbps < next.uploadMsAt1Mbps)) {
        next = c;
        nextX = x;
      }
    }
    if (nextX > x0 || !next) pieces.push({ cut: current.cut, fromX: x0, toX: nextX });
    if (!next) break;
    current = next;
    x0 = nextX;
  }
  // x = 1 / rate: the piece [fromX, toX) is the band of rates (1 / toX, 1 / fromX].
  return pieces.reverse().map((p) => ({ cut: p.cut, fromMbps: p.toX === Infinity ? 0 : 1 / p.toX, toMbps: p.fromX === 0 ? Infinity : 1 / p.fromX }));
}
