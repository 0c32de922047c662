/**
 * POPEX: where to cut a model with early exits, as a shortest path (MISSION.md section 3, the
 * exits issue, item 5). A cut keeps layers 1..s on the edge (s = 0: cut "input", all in the
 * cloud; s = N: cut "output", all on the edge). Exits run only on the edge; an exit after the
 * cut layer runs before the upload, so the samples it answers are never sent. With p_j the
 * fraction of the samples reaching exit j that leave there,
 *
 *   reach(k) = prod (1 - p_j) over exits j on the edge placed before layer k
 *   tx(bytes) = 8 bytes / (uplinkMbps 1000) ms + rttMs
 *   T(s) = sum_{k<=s} reach(k) edgeMs_k + sum_{exits j on the edge} reach(before j) edgeMs_j
 *          + [s < N] R_s (tx(outputBytes_s) + sum_{k>s} cloudMs_k)
 *
 * with outputBytes_0 = inputBytes and R_s = prod (1 - p_j) over every exit on the edge.
 */
import { BadFieldError, readArray, readNumber, readObject, readString } from './fields.js';
import { dijkstra, pathTo, type ShortestPaths, WeightedGraph } from './shortest-path.js';

/** One backbone layer, in model order. */
export interface PopexLayer {
  readonly name: string;
  /** time of the layer on the edge device */
  readonly edgeMs: number;
  /** time of the layer on the cloud server */
  readonly cloudMs: number;
  /** bytes of the layer's output: what crosses the network when the cut is after it */
  readonly outputBytes: number;
}

/** An early exit on the backbone. */
export interface PopexExit {
  /** the layer the exit reads (it runs after that layer) */
  readonly after: string;
  /** time of the exit branch on the edge */
  readonly edgeMs: number;
  /** fraction of the samples reaching the exit that leave there, in [0, 1] */
  readonly exitProbability: number;
}

/** A POPEX problem: the JSON file `cleave popex` reads. */
export interface PopexProblem {
  /** bytes of the model input (uploaded when the cut is "input") */
  readonly inputBytes: number;
  readonly uplinkMbps: number;
  /** added to every upload (default 0) */
  readonly rttMs?: number;
  readonly layers: readonly PopexLayer[];
  readonly exits?: readonly PopexExit[];
}

/** A validated problem: defaults filled, exits sorted by the layer they follow. */
export interface CheckedPopexProblem extends PopexProblem {
  readonly rttMs: number;
  readonly exits: readonly PopexExit[];
  /** per exit (in `exits` order): how many layers precede it (1..N) */
  readonly exitAt: readonly number[];
}

/** The expected time of one cut. */
export interface PopexCut {
  /** "input", a layer name, or "output" */
  readonly cut: string;
  /** layers on the edge (s) */
  readonly edgeLayers: number;
  readonly expectedMs: number;
  /** fraction of the samples that are uploaded (R_s; 0 for "output") */
  readonly uploadProbability: number;
}

/** The best cut and the times of its rivals. */
export interface PopexSolution {
  readonly cut: string;
  readonly edgeLayers: number;
  readonly expectedMs: number;
  /** every layer and exit on the edge */
  readonly edgeOnlyMs: number;
  /** the input uploaded, every layer in the cloud */
  readonly cloudOnlyMs: number;
  /** the vertices of the shortest path: "input", "edge:<layer>", "exit:<layer>", "cloud:<layer>" or "cloud:input", "output" */
  readonly path: readonly string[];
  /** every cut, from "input" to "output", with its expected time */
  readonly cuts: readonly PopexCut[];
}

/** Size bounds: the graph has at most layers x (exits + 2) vertices (650k at the bounds). */
export const MAX_POPEX_LAYERS = 10_000;
export const MAX_POPEX_EXITS = 64;

/** Names a layer may not take: they name the cuts at the two ends. */
const RESERVED = ['input', 'output'];

/** Checks an untrusted problem (a parsed JSON file); errors name the bad field. */
export function parsePopexProblem(value: unknown): CheckedPopexProblem {
  const top = readObject(value, '', ['inputBytes', 'uplinkMbps', 'layers'], ['rttMs', 'exits']);
  const inputBytes = readNumber(top.inputBytes, 'inputBytes', { min: 0, unit: 'bytes' });
  const uplinkMbps = readNumber(top.uplinkMbps, 'uplinkMbps', { above: 0, unit: 'Mbit/s' });
  const rttMs = top.rttMs === undefined ? 0 : readNumber(top.rttMs, 'rttMs', { min: 0, unit: 'ms' });
  const { layers, position } = readLayers(top.layers);
  const taken = new Map<number, number>();
  const exits = (top.exits === undefined ? [] : readArray(top.exits, 'exits', MAX_POPEX_EXITS)).map((v, j) => {
    const f = `exits[${j}]`;
    const o = readObject(v, f, ['after', 'edgeMs', 'exitProbability']);
    const at = readExitPosition(o.after, `${f}.after`, position, taken, j);
    const after = o.after as string;
    const exit: PopexExit = {
      after,
      edgeMs: readNumber(o.edgeMs, `${f}.edgeMs`, { min: 0, unit: 'ms' }),
      exitProbability: readNumber(o.exitProbability, `${f}.exitProbability`, { min: 0, max: 1, unit: 'a probability' }),
    };
    return { exit, at };
  });
  // In layer order; each exit keeps its own probability, so nothing can shift when exits are removed.
  exits.sort((a, b) => a.at - b.at);
  return { inputBytes, uplinkMbps, rttMs, layers, exits: exits.map((e) => e.exit), exitAt: exits.map((e) => e.at) };
}

/** The checked layers of a problem (field `layers`) and each name's position, 1..N. */
export function readLayers(value: unknown): { readonly layers: readonly PopexLayer[]; readonly position: ReadonlyMap<string, number> } {
  const position = new Map<string, number>();
  const layers = readArray(value, 'layers', MAX_POPEX_LAYERS, 1).map((v, i): PopexLayer => {
    const f = `layers[${i}]`;
    const o = readObject(v, f, ['name', 'edgeMs', 'cloudMs', 'outputBytes']);
    const name = readString(o.name, `${f}.name`);
    if (RESERVED.includes(name)) throw new BadFieldError(`${f}.name`, `"${name}" names the cut at the ${name === 'input' ? 'start' : 'end'}; rename the layer`);
    const seen = position.get(name);
    if (seen !== undefined) throw new BadFieldError(`${f}.name`, `duplicate layer name "${name}" (also layers[${seen - 1}])`);
    position.set(name, i + 1);
    return {
      name,
      edgeMs: readNumber(o.edgeMs, `${f}.edgeMs`, { min: 0, unit: 'ms' }),
      cloudMs: readNumber(o.cloudMs, `${f}.cloudMs`, { min: 0, unit: 'ms' }),
      outputBytes: readNumber(o.outputBytes, `${f}.outputBytes`, { min: 0, unit: 'bytes' }),
    };
  });
  return { layers, position };
}

/** The position of the layer exit j follows (its `after` field); `taken` holds the layers that already have one. */
export function readExitPosition(value: unknown, field: string, position: ReadonlyMap<string, number>, taken: Map<number, number>, j: number): number {
  const after = readString(value, field);
  const at = position.get(after);
  if (at === undefined) throw new BadFieldError(field, `names no layer: "${after}" (layers: ${[...position.keys()].slice(0, 8).join(', ')}${position.size > 8 ? ', ...' : ''})`);
  const other = taken.get(at);
  if (other !== undefined) throw new BadFieldError(field, `layer "${after}" already has an exit (exits[${other}]); give one exit per layer`);
  taken.set(at, j);
  return at;
}

/** Upload time of `bytes`: 8 bytes / (Mbit/s 1000) ms, plus the round trip. */
export function transmitMs(bytes: number, uplinkMbps: number, rttMs = 0): number {
  return (8 * bytes) / (uplinkMbps * 1000) + rttMs;
}

/** What a vertex of the POPEX graph stands for. */
export type PopexVertexKind = 'input' | 'edge' | 'exit' | 'cloud' | 'output';

/**
 * The POPEX graph. Vertex "edge:<k>" holds layer k's output on the edge, "exit:<k>" the same
 * once the exit after layer k has run, "cloud:<k>" layer k's output in the cloud. An edge
 * vertex's path from the source is unique, so its reach is known and every edge weight is a
 * reach-weighted time. A cloud layer is weighted by R_s, which depends on the cut the path
 * came from (exits after the cut do not run), not on the layer; R_s only changes at an exit,
 * so the cloud copies come in one chain per number m of exits on the edge (reach level).
 */
export interface PopexGraph {
  readonly graph: WeightedGraph;
  readonly source: number;
  readonly sink: number;
  readonly kind: readonly PopexVertexKind[];
  /** per vertex: its layer (0 for the input, N for the output) */
  readonly layer: Int32Array;
  /** per cut s = 0..N: the last edge vertex (E_s), where its path crosses to (-1: cut not allowed), that edge's weight */
  readonly cutVertex: Int32Array;
  readonly crossing: Int32Array;
  readonly crossingMs: Float64Array;
  /** per cut s: R_s, the probability that a sample is uploaded (0 for s = N) */
  readonly uploadProbability: Float64Array;
}

/** The graph of a checked problem; cuts with fewer than `minEdgeLayers` layers on the edge get no crossing edge. */
export function popexGraph(problem: CheckedPopexProblem, minEdgeLayers = 0): PopexGraph {
  // Bounds: a checked problem's exits sit after layers 1..n (exitAt[j] in 1..n, one exit per layer); exitAfter, cutVertex, crossing are indexed by k, s in 0..n (n + 1 entries), reachBefore by k + 1 <= n + 1 (n + 2), layers by k - 1 < n, bounds by m + 1 < its length.
  const { layers, exits, exitAt } = problem;
  const n = layers.length;
  const graph = new WeightedGraph();
  const kind: PopexVertexKind[] = [];
  const layerOf: number[] = [];
  const vertex = (k: PopexVertexKind, layer: number) => {
    kind.push(k);
    layerOf.push(layer);
    return graph.addVertex();
  };
  const edge = (from: number, to: number, weightMs: number) => graph.addEdge(from, to, weightMs);
  // exitAfter[k]: the exit after layer k, or -1.
  const exitAfter = new Int32Array(n + 1).fill(-1);
  exitAt.forEach((k, j) => { exitAfter[k] = j; });

  // reachBefore[k]: probability of reaching layer k (k = 1..N+1).
  const reachBefore = new Float64Array(n + 2);
  reachBefore[1] = 1;
  for (let k = 1; k <= n; k++) {
    const j = exitAfter[k]!;
    reachBefore[k + 1] = reachBefore[k]! * (j < 0 ? 1 : 1 - exits[j]!.exitProbability);
  }

  const source = vertex('input', 0);
  const cutVertex = new Int32Array(n + 1);
  cutVertex[0] = source;
  for (let k = 1; k <= n; k++) {
    const v = vertex('edge', k);
    edge(cutVertex[k - 1]!, v, reachBefore[k]! * layers[k - 1]!.edgeMs);
    cutVertex[k] = v;
    const j = exitAfter[k]!;
    if (j >= 0) {
      const x = vertex('exit', k);
      edge(v, x, reachBefore[k]! * exits[j]!.edgeMs);
      cutVertex[k] = x;
    }
  }

  // Cloud chains: level m serves the cuts s in [a_m, a_{m+1}) (a_m: layer of the m-th exit,
  // a_0 = 0), all with R = reachBefore[a_m + 1]; a chain starts at its first allowed cut.
  const crossing = new Int32Array(n + 1).fill(-1);
  const bounds = [0, ...exitAt, n];
  for (let m = 0; m + 1 < bounds.length; m++) {
    const first = Math.max(bounds[m]!, minEdgeLayers);
    const last = Math.min(bounds[m + 1]! - (m + 2 < bounds.length ? 1 : 0), n - 1);
    if (first > last) continue;
    const R = reachBefore[first + 1]!;
    let prev = vertex('cloud', first);
    crossing[first] = prev;
    for (let k = first + 1; k <= n; k++) {
      const v = vertex('cloud', k);
      edge(prev, v, R * layers[k - 1]!.cloudMs);
      if (k <= last) crossing[k] = v;
      prev = v;
    }
  }
  const sink = vertex('output', n);
  for (let v = 0; v < kind.length - 1; v++) if (kind[v] === 'cloud' && layerOf[v] === n) edge(v, sink, 0);
  crossing[n] = sink;

  const crossingMs = new Float64Array(n + 1);
  const uploadProbability = new Float64Array(n + 1);
  for (let s = 0; s < n; s++) {
    const R = reachBefore[s + 1]!;
    uploadProbability[s] = R;
    crossingMs[s] = R * transmitMs(s === 0 ? problem.inputBytes : layers[s - 1]!.outputBytes, problem.uplinkMbps, problem.rttMs);
  }
  for (let s = minEdgeLayers; s <= n; s++) edge(cutVertex[s]!, crossing[s]!, crossingMs[s]!);
  return { graph, source, sink, kind, layer: Int32Array.from(layerOf), cutVertex, crossing, crossingMs, uploadProbability };
}

/** A vertex's name in a path: "input", "edge:<layer>", "exit:<layer>", "cloud:<layer>" or "cloud:input", "output". */
function vertexLabel(problem: PopexProblem, g: PopexGraph, v: number): string {
  // Bounds: v is a vertex of g, and kind and layer have one entry per vertex; a vertex's layer k0 is 0..n, so k0 - 1 indexes the layers.
  const k = g.kind[v]!;
  const k0 = g.layer[v]!;
  if (k === 'input' || k === 'output') return k;
  return `${k}:${k0 === 0 ? 'input' : problem.layers[k0 - 1]!.name}`;
}

function cutName(problem: PopexProblem, s: number): string {
  const n = problem.layers.length;
  return s === 0 ? 'input' : s === n ? 'output' : problem.layers[s - 1]!.name; // s in 1..n - 1 here: a layer index + 1
}

/** The shortest path of the graph and its cut: where the path leaves the edge. */
function shortest(g: PopexGraph): { paths: ShortestPaths; path: number[]; edgeLayers: number } {
  const paths = dijkstra(g.graph, g.source);
  const path = pathTo(paths, g.sink);
  let edgeLayers = 0;
  for (const v of path) if (g.kind[v] === 'input' || g.kind[v] === 'edge' || g.kind[v] === 'exit') edgeLayers = g.layer[v]!; // path holds g's vertices, one layer entry each
  return { paths, path, edgeLayers };
}

/** The best cut with at least `minEdgeLayers` layers on the edge: the exit planner's inner step. */
export function bestCheckedCut(problem: CheckedPopexProblem, minEdgeLayers = 0): { readonly edgeLayers: number; readonly expectedMs: number; readonly uploadProbability: number } {
  const g = popexGraph(problem, minEdgeLayers);
  const { paths, edgeLayers } = shortest(g);
  return { edgeLayers, expectedMs: paths.distance[g.sink]!, uploadProbability: g.uploadProbability[edgeLayers]! }; // the sink is g's vertex, edgeLayers a cut 0..n with one probability each
}

/** The best cut of a checked problem by Dijkstra, and every cut's time read off the same graph. */
export function solveCheckedPopex(problem: CheckedPopexProblem): PopexSolution {
  // Bounds: s in 0..n, the cuts the graph has (cutVertex, crossing, crossingMs, uploadProbability: n + 1 entries each), and both distance arrays hold every vertex; cuts gets n + 1 entries before it is read.
  const n = problem.layers.length;
  const g = popexGraph(problem);
  const { paths, path, edgeLayers } = shortest(g);
  // Distances to the sink: a cut's time is (source -> E_s) + crossing + (crossing target -> sink).
  const toSink = dijkstra(g.graph.reversed(), g.sink);
  const cuts: PopexCut[] = [];
  for (let s = 0; s <= n; s++) {
    const expectedMs = paths.distance[g.cutVertex[s]!]! + g.crossingMs[s]! + toSink.distance[g.crossing[s]!]!;
    cuts.push({ cut: cutName(problem, s), edgeLayers: s, expectedMs, uploadProbability: g.uploadProbability[s]! });
  }
  return {
    cut: cutName(problem, edgeLayers),
    edgeLayers,
    expectedMs: paths.distance[g.sink]!,
    edgeOnlyMs: cuts[n]!.expectedMs,
    cloudOnlyMs: cuts[0]!.expectedMs,
    path: path.map((v) => vertexLabel(problem, g, v)),
    cuts,
  };
}

/** Validates a POPEX problem and solves it (see solveCheckedPopex). */
export function solvePopex(problem: unknown): PopexSolution {
  return solveCheckedPopex(parsePopexProblem(problem));
}
