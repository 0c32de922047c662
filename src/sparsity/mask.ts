import { BadRequestError } from '../errors.js';
import { Random } from '../graph/random.js';
import type { Degrees } from './degrees.js';

/**
 * A junction's 0/1 connection mask, output-major: `keep[o * inputs + j]` is 1 when output o
 * reads input j. Every row holds exactly fi ones, every column exactly fo.
 */
export interface ConnectionMask extends Degrees {
  readonly keep: Uint8Array;
}

/**
 * Attempted swaps per kept connection. The swap chain below mixes in a few sweeps on the
 * junctions we checked by enumeration (test/sparsity/mask.test.ts); 10 is the usual margin
 * (as in network-science rewiring), and costs ~10 random draws per kept weight.
 */
export const SWAPS_PER_CONNECTION = 10;

/**
 * Draws a degree-constrained mask (Dey et al.) at random, the same for the same `rng` state.
 *
 * Dey's own construction fills rows in turn from the columns not yet full and can dead-end
 * (the last rows find no free column). This one cannot:
 * 1. a circulant start: connection slot s = j·fo + k (input j, k < fo) goes to output s mod n.
 *    An input's fo slots are consecutive, so its outputs are distinct (fo <= n), and the p·fo
 *    slots cover every residue mod n exactly p·fo/n = fi times: a valid pattern, built in one pass;
 * 2. outputs and inputs relabelled by random permutations;
 * 3. `swapsPerConnection`·p·fo attempted checkerboard swaps: pick two kept connections
 *    (o1, j1), (o2, j2) uniformly; when (o1, j2) and (o2, j1) are both absent, rewire to them.
 *    A swap keeps every row and column sum. The proposal is symmetric (the same pair swaps
 *    back) and interchanges connect all 0/1 matrices with the same row and column sums
 *    (Ryser 1957), so the chain's stationary law is uniform over all valid masks.
 * The loop count is fixed, so the draw always terminates, in O(swaps + p·n) time.
 */
export function drawMask(inputs: number, outputs: number, fo: number, rng: Random, swapsPerConnection = SWAPS_PER_CONNECTION): ConnectionMask {
  // Bounds: e < edges and at < p n (an output o < n times p plus an input j < p), so at >>> 5 is inside bits (ceil(p n / 32) words); outPerm has n entries, inPerm p.
  const p = inputs;
  const n = outputs;
  if (!(Number.isInteger(p) && Number.isInteger(n) && Number.isInteger(fo) && p >= 1 && n >= 1)) {
    throw new BadRequestError(`a mask needs positive integer inputs, outputs and out-degree, got p=${p}, n=${n}, fo=${fo}`);
  }
  if (fo < 1 || fo > n || (p * fo) % n !== 0) {
    throw new BadRequestError(`no mask with ${p} inputs, ${n} outputs and out-degree ${fo}: need 1 <= fo <= n and n dividing p·fo`);
  }
  const fi = (p * fo) / n;
  const edges = p * fo;
  // A connection is its flat index o·p + j (one array read per edge), membership a bitset
  // (n·p/8 bytes): large junctions stay cache-friendly.
  const edge = new Int32Array(edges);
  const bits = new Uint32Array(Math.ceil((p * n) / 32));
  const outPerm = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const inPerm = rng.shuffle(Array.from({ length: p }, (_, i) => i));
  for (let j = 0; j < p; j++) {
    for (let k = 0; k < fo; k++) {
      const e = j * fo + k;
      const at = outPerm[e % n]! * p + inPerm[j]!;
      edge[e] = at;
      bits[at >>> 5] = bits[at >>> 5]! | (1 << (at & 31));
    }
  }
  const has = (at: number): boolean => ((bits[at >>> 5]! >>> (at & 31)) & 1) === 1; // at < p n, so at >>> 5 is inside bits
  const flip = (at: number): void => { bits[at >>> 5] = bits[at >>> 5]! ^ (1 << (at & 31)); }; // at < p n, so at >>> 5 is inside bits
  // A full row or column admits no swap (the checkerboard needs an absent pair).
  const attempts = fo === n || fi === p ? 0 : Math.round(swapsPerConnection * edges);
  for (let t = 0; t < attempts; t++) {
    const a = rng.int(edges);
    const b = rng.int(edges);
    const ea = edge[a]!;
    const eb = edge[b]!;
    const o1 = Math.floor(ea / p);
    const o2 = Math.floor(eb / p);
    const j1 = ea - o1 * p;
    const j2 = eb - o2 * p;
    const a2 = o1 * p + j2;
    const b2 = o2 * p + j1;
    if (o1 === o2 || j1 === j2 || has(a2) || has(b2)) continue;
    flip(ea);
    flip(eb);
    flip(a2);
    flip(b2);
    edge[a] = a2;
    edge[b] = b2;
  }
  const keep = new Uint8Array(p * n);
  for (let at = 0; at < p * n; at++) keep[at] = (bits[at >>> 5]! >>> (at & 31)) & 1;
  return { inputs: p, outputs: n, fo, fi, density: fo / n, keep };
}

/**
 * The generator of one layer's mask: from the seed and the layer's name (FNV-1a), so a layer's
 * mask does not change when other layers join or leave the selection.
 */
export function layerRandom(seed: number, name: string): Random {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return new Random((h ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

/** Row sums (ones per output) and column sums (ones per input) of a mask, for checks. */
export function maskSums(mask: Pick<ConnectionMask, 'inputs' | 'outputs' | 'keep'>): { rows: Int32Array; columns: Int32Array } {
  const rows = new Int32Array(mask.outputs);
  const columns = new Int32Array(mask.inputs);
  for (let o = 0; o < mask.outputs; o++) {
    for (let j = 0; j < mask.inputs; j++) {
      // o < outputs and j < inputs, the lengths of rows and columns.
      if (mask.keep[o * mask.inputs + j]) {
        rows[o]!++;
        columns[j]!++;
      }
    }
  }
  return { rows, columns };
}
