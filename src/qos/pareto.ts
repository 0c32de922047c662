/**
 * The Pareto front (the first front of non-dominated sorting) of points given as k objectives
 * to minimise (negate one to maximise it). Point a dominates b when a_i <= b_i for every i and
 * a_j < b_j for some j; equal points do not dominate one another, so both stay on the front.
 * Objectives may be +Infinity (an unstable queue's latency), never NaN.
 *
 * k = 1: the minima, O(n). k = 2: sort and sweep, O(n log n). k = 3: sort by the first
 * objective and keep, in a Fenwick tree over the ranks of the second, the least third
 * objective seen so far (Kung, Luccio and Preparata's idea), O(n log n). k >= 4: block nested
 * loops against a window of candidates, O(n w k) for a window of at most w points (the front and
 * the candidates not yet evicted), without a sort.
 */
import { BadRequestError } from '../errors.js';

/** Objectives of n points, row-major: point i's objective j at i * k + j. */
export interface ObjectiveMatrix {
  readonly values: Float64Array;
  readonly n: number;
  readonly k: number;
}

/** Does point a dominate point b? */
export function dominates(m: ObjectiveMatrix, a: number, b: number): boolean {
  // Bounds: a, b < n points and j < k objectives: inside v's n x k values.
  const { values: v, k } = m;
  let strict = false;
  for (let j = 0; j < k; j++) {
    const x = v[a * k + j]!;
    const y = v[b * k + j]!;
    if (x > y) return false;
    if (x < y) strict = true;
  }
  return strict;
}

function check(m: ObjectiveMatrix): void {
  if (!Number.isInteger(m.k) || m.k < 1) throw new BadRequestError(`objectives per point must be an integer >= 1, got ${m.k}`);
  if (m.values.length !== m.n * m.k) throw new BadRequestError(`${m.values.length} values do not hold ${m.n} points of ${m.k} objectives`);
  for (let i = 0; i < m.values.length; i++) if (Number.isNaN(m.values[i])) throw new BadRequestError(`objective ${i % m.k} of point ${Math.floor(i / m.k)} is NaN`);
}

/** Indexes of the points on the Pareto front, ascending. */
export function paretoFront(m: ObjectiveMatrix): Int32Array {
  check(m);
  if (m.n === 0) return new Int32Array(0);
  const onFront = m.k === 1 ? front1(m) : m.k === 2 ? front2(m) : m.k === 3 ? front3(m) : frontGeneral(m);
  return Int32Array.from(onFront.keys()).filter((i) => onFront[i] === 1);
}

function front1({ values, n }: ObjectiveMatrix): Uint8Array {
  let min = Infinity;
  for (let i = 0; i < n; i++) min = Math.min(min, values[i]!); // i < n values
  return Uint8Array.from(values, (x) => (x === min ? 1 : 0));
}

/** Indexes sorted lexicographically by their objectives (then by index, for equal points). */
function lexOrder({ values, n, k }: ObjectiveMatrix): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  return order.sort((a, b) => {
    for (let j = 0; j < k; j++) {
      const d = values[a * k + j]! - values[b * k + j]!; // a, b < n points and j < k
      if (d !== 0 && !Number.isNaN(d)) return d;
    }
    return a - b;
  });
}

/**
 * 2-D sweep over points in lexicographic order, grouped by equal first objective: a point is on
 * the front when its second objective is below every earlier group's (else an earlier point,
 * smaller in the first, is no worse in the second) and is its group's least.
 */
function front2(m: ObjectiveMatrix): Uint8Array {
  // Bounds: v holds m.n points of 2 objectives, and order is a permutation of the points, read at s <= t < e <= its length.
  const { values: v } = m;
  const out = new Uint8Array(m.n);
  const order = lexOrder(m);
  let before = Infinity;
  let hasBefore = false;
  for (let s = 0; s < order.length;) {
    const x = v[order[s]! * 2]!;
    let e = s;
    while (e < order.length && v[order[e]! * 2] === x) e++;
    const groupMin = v[order[s]! * 2 + 1]!; // lexicographic: the first is the least
    for (let t = s; t < e; t++) {
      const i = order[t]!;
      const y = v[i * 2 + 1]!;
      if (y === groupMin && (!hasBefore || y < before)) out[i] = 1;
    }
    if (!hasBefore || groupMin < before) before = groupMin;
    hasBefore = true;
    s = e;
  }
  return out;
}

/**
 * 3-D: in lexicographic order, group by equal first objective. A point is dominated by an
 * earlier group (smaller first objective) exactly when some earlier point has second <= its
 * second and third <= its third: a prefix minimum of the third over second-objective ranks.
 * Within a group (equal first objective) dominance is 2-D on the other two.
 */
function front3(m: ObjectiveMatrix): Uint8Array {
  // Bounds: v holds n points of 3 objectives, order and group hold point indices < n, ranks are 1..distinct.length (the tree has one more slot), and distinct is read below its length.
  const { values: v, n } = m;
  const out = new Uint8Array(n);
  const order = lexOrder(m);
  const ys = Float64Array.from({ length: n }, (_, i) => v[i * 3 + 1]!).sort();
  const distinct: number[] = [];
  for (const y of ys) if (distinct.length === 0 || distinct[distinct.length - 1] !== y) distinct.push(y);
  const rankOf = (y: number): number => {
    let lo = 0;
    let hi = distinct.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid]! < y) lo = mid + 1; // lo <= mid < hi < distinct.length
      else hi = mid;
    }
    return lo + 1; // Fenwick trees count from 1
  };
  // NaN marks an empty slot: +Infinity is a value a point may have.
  const tree = new Float64Array(distinct.length + 1).fill(Number.NaN);
  const minUpTo = (r: number): number => {
    let best = Number.NaN;
    for (let p = r; p > 0; p -= p & -p) {
      const z = tree[p]!; // p <= r < tree.length
      if (!Number.isNaN(z) && !(z >= best)) best = z;
    }
    return best;
  };
  const insert = (r: number, z: number): void => {
    for (let p = r; p < tree.length; p += p & -p) if (!(z >= tree[p]!)) tree[p] = z; // p < tree.length, the loop's test
  };
  for (let s = 0; s < order.length;) {
    const x = v[order[s]! * 3]!;
    let e = s;
    while (e < order.length && v[order[e]! * 3] === x) e++;
    const group = order.subarray(s, e);
    const inner = front2({ values: Float64Array.from({ length: group.length * 2 }, (_, q) => v[group[q >> 1]! * 3 + 1 + (q & 1)]!), n: group.length, k: 2 });
    group.forEach((i, q) => {
      if (inner[q] && !(minUpTo(rankOf(v[i * 3 + 1]!)) <= v[i * 3 + 2]!)) out[i] = 1;
    });
    for (const i of group) insert(rankOf(v[i * 3 + 1]!), v[i * 3 + 2]!);
    s = e;
  }
  return out;
}

/**
 * Any k: block nested loops. Points are taken in index order against a window of candidates: a
 * point some candidate dominates is dropped, else it evicts the candidates it dominates and
 * joins. Every point seen is then in the window or dominated by a candidate (an evicted one's
 * dominator dominates what it covered), so the final window is the front, in any order of
 * points and without sorting them. The candidate that dropped the last point moves to the head
 * of the window: dominated points cluster behind a few strong ones, so most points cost one
 * comparison.
 */
function frontGeneral(m: ObjectiveMatrix): Uint8Array {
  // Bounds: f < size <= m.n, the length of window.
  const window = new Int32Array(m.n);
  let size = 0;
  for (let i = 0; i < m.n; i++) {
    let dominated = false;
    for (let f = 0; f < size; f++) {
      const member = window[f]!;
      if (dominates(m, member, i)) {
        dominated = true;
        window.copyWithin(1, 0, f);
        window[0] = member;
        break;
      }
    }
    if (dominated) continue;
    let kept = 0;
    for (let f = 0; f < size; f++) {
      const member = window[f]!;
      if (!dominates(m, i, member)) window[kept++] = member;
    }
    window[kept] = i;
    size = kept + 1;
  }
  const out = new Uint8Array(m.n);
  for (let f = 0; f < size; f++) out[window[f]!] = 1;
  return out;
}
