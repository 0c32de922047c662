import { Random } from '../../src/graph/random.js';
import type { PopexExit, PopexLayer, PopexProblem } from '../../src/exits/popex.js';

/**
 * The expected time of every cut s = 0..N straight from the closed form in the exits issue,
 * written without the graph: for each cut, the exits on the edge, each layer's reach as a
 * product over the exits before it, then the sum.
 */
export function bruteForceCutTimes(problem: PopexProblem): number[] {
  const n = problem.layers.length;
  const layerIndex = (name: string) => problem.layers.findIndex((l) => l.name === name) + 1;
  const exits = (problem.exits ?? []).map((e) => ({ at: layerIndex(e.after), ms: e.edgeMs, p: e.exitProbability }));
  const times: number[] = [];
  for (let s = 0; s <= n; s++) {
    const onEdge = exits.filter((e) => e.at <= s);
    const survive = (before: number) => onEdge.filter((e) => e.at < before).reduce((r, e) => r * (1 - e.p), 1);
    let t = 0;
    for (let k = 1; k <= s; k++) t += survive(k) * problem.layers[k - 1]!.edgeMs;
    for (const e of onEdge) t += survive(e.at) * e.ms;
    if (s < n) {
      const all = onEdge.reduce((r, e) => r * (1 - e.p), 1);
      const bytes = s === 0 ? problem.inputBytes : problem.layers[s - 1]!.outputBytes;
      let cloud = 0;
      for (let k = s + 1; k <= n; k++) cloud += problem.layers[k - 1]!.cloudMs;
      t += all * ((8 * bytes) / (problem.uplinkMbps * 1000) + (problem.rttMs ?? 0) + cloud);
    }
    times.push(t);
  }
  return times;
}

/** A value of a random scale (0 sometimes), so that every kind of cut wins somewhere. */
function scaled(rng: Random, zeroChance = 0.05): number {
  if (rng.next() < zeroChance) return 0;
  return 10 ** (rng.next() * 4 - 2) * rng.next();
}

/** An exit probability: exactly 0 or 1 in a fifth of the cases each. */
function probability(rng: Random): number {
  const u = rng.next();
  return u < 0.2 ? 0 : u < 0.4 ? 1 : rng.next();
}

/**
 * A random POPEX problem: 1..maxLayers layers (names l1, l2, ... so that l1 and l10 share a
 * first digit), up to 6 exits at distinct random layers listed in random order, times and
 * sizes over four decades with zeros, a round trip in half the problems.
 */
export function randomPopexProblem(rng: Random, maxLayers = 40): PopexProblem {
  const n = 1 + rng.int(maxLayers);
  const layers: PopexLayer[] = Array.from({ length: n }, (_, i) => ({
    name: `l${i + 1}`,
    edgeMs: scaled(rng),
    cloudMs: scaled(rng, 0.2) / (1 + rng.int(100)),
    outputBytes: Math.round(scaled(rng) * 1e4),
  }));
  const at = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, rng.int(Math.min(n, 6) + 1));
  const exits: PopexExit[] = at.map((i) => ({ after: `l${i + 1}`, edgeMs: scaled(rng) / 4, exitProbability: probability(rng) }));
  return {
    inputBytes: Math.round(scaled(rng, 0) * 1e4),
    uplinkMbps: 0.1 + scaled(rng, 0) * 10,
    rttMs: rng.next() < 0.5 ? 0 : scaled(rng, 0),
    layers,
    exits,
  };
}
