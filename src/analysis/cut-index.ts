import { byteSize } from '../graph/tensor-meta.js';
import { ancestorNodes, type Dataflow } from './dataflow.js';

/** A place to cut: the tensors that cross, what they weigh, and what the head costs. */
export interface CutPoint {
  /** tensors that cross the cut, in topological order of their producers */
  readonly tensors: readonly string[];
  /** bytes crossing per inference at the analysed batch size */
  readonly bytes: number;
  /** the last layer of the head (in topological order) */
  readonly afterNode: string;
  /** layers (non-folded nodes) in the head */
  readonly headLayers: number;
  readonly headFlops: number;
  readonly tailFlops: number;
  /** bytes of the weights the head holds */
  readonly headParamBytes: number;
  /** largest total of live activation bytes while running the head, input and cut tensors included */
  readonly headPeakActivationBytes: number;
}

/** What one node contributes to a cut's costs. */
export interface NodeCosts {
  readonly flops: readonly number[];
}

/** A single-tensor cut: `tensor`, written by layer `node`, is all that crosses. */
export interface SingleCut {
  readonly node: number;
  readonly tensor: string;
}

/**
 * A head (a set of nodes closed under dependence) as the head of single cut `base` (none when
 * -1) plus the nodes `extra`, ascending, none of them in that head. Heads of multi-tensor cuts
 * differ from the single cut before them by a few nodes, so this keeps them small.
 */
export interface Head {
  readonly base: number;
  readonly extra: readonly number[];
}

export const EMPTY_HEAD: Head = { base: -1, extra: [] };

/** Figures of the head of one single cut. */
interface BaseFigures {
  readonly layers: number;
  readonly flops: number;
  readonly paramBytes: number;
  /** peak of live activation bytes while the head runs */
  readonly peak: number;
  /** live bytes once the head has run: the cut tensor and nothing else, unless the model lists an input twice */
  readonly liveEnd: number;
}

/**
 * The single-tensor cuts of a graph and the figures of their heads, from a few passes in
 * topological order (linear in nodes and edges), and the figures of any head built on one of
 * them from the nodes it adds.
 *
 * Why one pass finds every single-tensor cut. Let t, written by layer p, be the only tensor
 * crossing from the head H = ancestors(p). Every tail layer depends on p (follow its data
 * inputs back to a graph input; the first tensor met that H computes crosses, so it is t), and
 * every layer before p in topological order is in H. So H's layers are the layers up to p, and
 * t is a single-tensor cut exactly when
 *  (a) t is the only data tensor computed up to p (or a graph input) and read by a layer after
 *      p: an interval count over [producer, last reader) gives this for every p at once; and
 *  (b) every layer before p is an ancestor of p. Given (a), the latest layer q < p that is not
 *      an ancestor has no layer reading its outputs (any reader would be such a layer after q),
 *      so it is a dead end: its outputs feed only shape arithmetic (Shape, Size) or nothing. It
 *      reaches p exactly when the first layer its shape arithmetic reaches comes no later than p
 *      (that layer is an ancestor of p, or p). So (b) holds when every dead end before p reaches
 *      a layer no later than p: one running maximum.
 * Heads of later single cuts hold the earlier ones, so each node gets the rank of the first
 * head that holds it; a head's weights, FLOPs and layers are sums over ranks, and its peak of
 * live bytes is the running peak of one live-tensor account over the layers in order (each
 * tensor freed at its last reader), because only t outlives p.
 */
export class CutIndex {
  /** single-tensor cuts in topological order; the head of each holds the head of the one before */
  readonly singles: readonly SingleCut[];
  /** per node: the first single cut whose head holds it, `singles.length` when none does */
  readonly rank: Int32Array;
  /** per data tensor read by a layer: the last layer (topological index) that reads it */
  readonly lastReader: ReadonlyMap<string, number>;
  readonly layerCount: number;
  readonly totalFlops: number;
  private readonly base: readonly BaseFigures[];
  private readonly singleOf: ReadonlySet<string>;
  /** per initializer: the lowest rank of a node reading it */
  private readonly initRank: ReadonlyMap<string, number>;
  /** scratch membership stamps, one per node */
  private readonly mark: Int32Array;
  private stamp = 0;
  /** producers of each node's inputs: node i's are preds[predStart[i] .. predStart[i + 1]) */
  private readonly predStart: Int32Array;
  private readonly preds: Int32Array;

  constructor(readonly flow: Dataflow, readonly costs: NodeCosts) {
    const { graph, inference } = flow;
    const n = graph.nodes.length;
    const lastReader = new Map<string, number>();
    for (const [t, readers] of flow.layerConsumers) if (readers.length) lastReader.set(t, readers[readers.length - 1]!); // readers is not empty (checked)
    this.lastReader = lastReader;
    this.layerCount = inference.folded.reduce((c, f) => c + (f ? 0 : 1), 0);
    this.totalFlops = costs.flops.reduce((s, f) => s + f, 0);
    this.singles = findSingles(flow, lastReader);
    this.singleOf = new Set(this.singles.map((s) => s.tensor));
    this.rank = rankNodes(flow, this.singles);
    this.mark = new Int32Array(n);
    this.predStart = new Int32Array(n + 1);
    const preds: number[] = [];
    graph.nodes.forEach((node, i) => {
      for (const t of node.input) {
        const p = t ? graph.producer.get(t) : undefined;
        if (p !== undefined) preds.push(p);
      }
      this.predStart[i + 1] = preds.length;
    });
    this.preds = Int32Array.from(preds);
    const { base, initRank } = baseFigures(flow, costs, this.singles, this.rank, lastReader);
    this.base = base;
    this.initRank = initRank;
  }

  /** The head of the single cut `j`. */
  singleHead(j: number): Head {
    return { base: j, extra: [] };
  }

  /** Is `t` alone a cut? */
  isSingle(t: string): boolean {
    return this.singleOf.has(t);
  }

  /** Layers in a head. */
  layers(head: Head): number {
    const folded = this.flow.inference.folded;
    let count = head.base >= 0 ? this.base[head.base]!.layers : 0; // base >= 0 is a single cut's index, one base entry each
    for (const i of head.extra) if (!folded[i]) count++;
    return count;
  }

  /**
   * The smallest head computing `tensors` (their producers and all they depend on), found by
   * walking back from the producers of the latest rank j to the head of single cut j - 1, which
   * it holds whole: every layer after a single cut depends on it.
   */
  closure(tensors: readonly string[]): Head {
    // Bounds: producers are node indices (rank has one entry per node), and j < singles.length is checked before singles[j].
    const producers = tensors.map((t) => this.flow.graph.producer.get(t)).filter((p): p is number => p !== undefined);
    if (producers.length === 0) return EMPTY_HEAD;
    const j = producers.reduce((m, p) => Math.max(m, this.rank[p]!), 0);
    const top = producers.filter((p) => this.rank[p] === j);
    if (j < this.singles.length && top.every((p) => p === this.singles[j]!.node)) return this.singleHead(j);
    return { base: j - 1, extra: this.ancestorsOfRank(top, j) };
  }

  /** Nodes of rank `j` that `starts` (of rank j) depend on, themselves included, ascending. */
  private ancestorsOfRank(starts: readonly number[], j: number): number[] {
    // Bounds: nodes are graph indices < n; predStart has n + 1 entries (CSR offsets) and preds predStart[n] entries.
    const { mark, rank, predStart, preds } = this;
    const stamp = ++this.stamp;
    const out: number[] = [];
    const stack: number[] = [];
    for (const s of starts) {
      if (mark[s] === stamp) continue;
      mark[s] = stamp;
      stack.push(s);
    }
    while (stack.length) {
      const i = stack.pop()!;
      out.push(i);
      for (let k = predStart[i]!; k < predStart[i + 1]!; k++) {
        const p = preds[k]!;
        if (mark[p] === stamp || rank[p] !== j) continue;
        mark[p] = stamp;
        stack.push(p);
      }
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * Tensors crossing from `head` to the rest (stops past `limit`): of what the base head
   * computes only its cut tensor (or, with no base, the graph inputs) can be read outside it;
   * then the outputs of the added layers. In the order `crossingTensors` gives.
   */
  crossing(head: Head, limit = Infinity): string[] {
    const { graph, inference, layerConsumers, dataTensors } = this.flow;
    const inHead = this.stampOf(head.extra);
    const out: string[] = [];
    const crosses = (t: string) => (layerConsumers.get(t) ?? []).some((r) => !inHead(r));
    const from = head.base >= 0 ? [this.singles[head.base]!.tensor] : [...new Set(graph.inputs.map((v) => v.name))]; // base >= 0 is a single cut's index
    for (const t of from) {
      if (crosses(t)) out.push(t);
      if (out.length > limit) return out;
    }
    for (const i of head.extra) {
      if (inference.folded[i]) continue;
      for (const o of (graph.nodes[i] as { output: string[] }).output) {
        if (o && dataTensors.has(o) && crosses(o)) out.push(o);
        if (out.length > limit) return out;
      }
    }
    return out;
  }

  /** The cut whose head is `head` and whose crossing tensors are `tensors`. */
  describe(head: Head, tensors: readonly string[]): CutPoint {
    // Bounds: b >= 0 (checked), a single cut's index, and base has one entry per single cut.
    const b = head.base;
    if (b < 0) return describeHead(this.flow, this.costs, head.extra, tensors, this.totalFlops);
    const figures = this.base[b]!;
    const cut = this.singles[b]!;
    // A single cut's own head: its figures as they are.
    if (head.extra.length === 0 && tensors.length === 1 && tensors[0] === cut.tensor) {
      const { graph, inference } = this.flow;
      const bytes = byteSize(inference.tensors.get(cut.tensor));
      return {
        tensors: [cut.tensor],
        bytes,
        afterNode: graph.nodeNames[cut.node]!,
        headLayers: figures.layers,
        headFlops: figures.flops,
        tailFlops: this.totalFlops - figures.flops,
        headParamBytes: figures.paramBytes,
        headPeakActivationBytes: figures.peak,
      };
    }
    return describeHead(this.flow, this.costs, head.extra, tensors, this.totalFlops, { figures, cut, rank: b, initRank: this.initRank });
  }

  /** A membership test for `nodes`, valid until the next call. */
  private stampOf(nodes: readonly number[]): (i: number) => boolean {
    const stamp = ++this.stamp;
    const mark = this.mark;
    for (const i of nodes) mark[i] = stamp;
    return (i) => mark[i] === stamp;
  }
}

/**
 * For each single-tensor cut, by its tensor: the sum of `values` (one per node) over its head,
 * the tensor's producer and all it depends on. One pass, not a walk per cut.
 */
export function singleCutHeadSums(flow: Dataflow, values: readonly number[]): Map<string, number> {
  const index = new CutIndex(flow, { flops: values });
  return new Map(index.singles.map((s, j) => [s.tensor, index.describe(index.singleHead(j), [s.tensor]).headFlops]));
}

/** The single cuts, by conditions (a) and (b) of CutIndex, in one pass over the nodes. */
function findSingles(flow: Dataflow, lastReader: ReadonlyMap<string, number>): SingleCut[] {
  // Bounds: p, i and the consumers c are node indices < n, the length of reach (and delta has n + 1).
  const { graph, inference } = flow;
  const n = graph.nodes.length;
  // (a): how many data tensors computed up to p are read after p, as a difference array.
  const delta = new Int32Array(n + 1);
  for (const t of flow.dataTensors) {
    const last = lastReader.get(t);
    if (last === undefined) continue;
    // Node indices (a producer, a reader) are < n, inside delta's n + 1 entries.
    delta[graph.producer.get(t) ?? 0]!++;
    delta[last]!--;
  }
  // (b): per node, the first layer its outputs reach through folded nodes only (n: none).
  const reach = new Int32Array(n).fill(n);
  for (let i = n - 1; i >= 0; i--) {
    let r = n;
    for (const o of (graph.nodes[i] as { output: string[] }).output) {
      for (const c of (o && graph.consumers.get(o)) || []) r = Math.min(r, inference.folded[c] ? reach[c]! : c);
    }
    reach[i] = r;
  }
  const singles: SingleCut[] = [];
  let crossing = 0;
  let deadEndsReach = -1;
  for (let p = 0; p < n; p++) {
    crossing += delta[p]!;
    if (inference.folded[p]) continue;
    let read: string | undefined;
    for (const o of (graph.nodes[p] as { output: string[] }).output) if (read === undefined && o && lastReader.has(o)) read = o;
    if (read === undefined) deadEndsReach = Math.max(deadEndsReach, reach[p]!);
    else if (crossing === 1 && deadEndsReach <= p) singles.push({ node: p, tensor: read });
  }
  return singles;
}

/** Per node, the first single cut whose head holds it: each head walked back to the one before. */
function rankNodes(flow: Dataflow, singles: readonly SingleCut[]): Int32Array {
  const rank = new Int32Array(flow.graph.nodes.length).fill(-1);
  singles.forEach((s, j) => {
    for (const i of ancestorNodes(flow.graph, [s.node], (k) => rank[k] === -1)) rank[i] = j;
  });
  for (let i = 0; i < rank.length; i++) if (rank[i] === -1) rank[i] = singles.length;
  return rank;
}

/** Layers, FLOPs, weights and peak live bytes of each single cut's head. */
function baseFigures(flow: Dataflow, costs: NodeCosts, singles: readonly SingleCut[], rank: Int32Array, lastReader: ReadonlyMap<string, number>) {
  // Bounds: rank maps every node to 0..m (m: no single cut's head holds it) and layers, flops, params have m + 1 entries; next < m indexes singles.
  const { graph, inference } = flow;
  const bytes = (t: string) => byteSize(inference.tensors.get(t));
  const m = singles.length;
  const layers = new Array<number>(m + 1).fill(0);
  const flops = new Array<number>(m + 1).fill(0);
  const params = new Array<number>(m + 1).fill(0);
  const initRank = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    // rank maps every node to 0..m (m: no single cut's head holds it), and these arrays have m + 1 entries.
    const r = rank[i]!;
    if (!inference.folded[i]) layers[r]!++;
    flops[r]! += costs.flops[i] ?? 0;
    for (const t of node.input) {
      if (t && graph.initializers.has(t)) initRank.set(t, Math.min(initRank.get(t) ?? r, r));
    }
  });
  for (const [t, r] of initRank) params[r]! += bytes(t); // r is a rank, 0..m, as above
  // One live-tensor account over all layers in order; a single cut's head runs its prefix.
  let live = 0;
  for (const v of graph.inputs) if (lastReader.has(v.name)) live += bytes(v.name);
  let peak = live;
  const base: BaseFigures[] = [];
  let sumLayers = 0;
  let sumFlops = 0;
  let sumParams = 0;
  for (let i = 0, next = 0; i < graph.nodes.length && next < m; i++) {
    if (inference.folded[i]) continue;
    const node = graph.nodes[i] as { input: string[]; output: string[] };
    for (const o of node.output) if (o) live += bytes(o);
    peak = Math.max(peak, live);
    for (const t of touched(node)) {
      if (flow.dataTensors.has(t) && (lastReader.get(t) ?? i) <= i) live -= bytes(t);
    }
    if (singles[next]!.node !== i) continue;
    sumLayers += layers[next]!;
    sumFlops += flops[next]!;
    sumParams += params[next]!;
    base.push({ layers: sumLayers, flops: sumFlops, paramBytes: sumParams, peak, liveEnd: live });
    next++;
  }
  return { base, initRank };
}

/** What a head adds to: the head of single cut `rank`, its figures and cut. */
interface Base {
  readonly figures: BaseFigures;
  readonly rank: number;
  readonly cut: SingleCut;
  readonly initRank: ReadonlyMap<string, number>;
}

/** The tensors a node reads or writes, each once, in order; empty names (absent optionals) left out. */
export function touched(node: { readonly input: readonly string[]; readonly output: readonly string[] }): string[] {
  if (node.input.length + node.output.length > 16) return [...new Set([...node.input, ...node.output])].filter((t) => t);
  const out: string[] = [];
  for (const list of [node.input, node.output]) for (const t of list) if (t && !out.includes(t)) out.push(t);
  return out;
}

/**
 * Describes the head `base` + `nodes` (ascending; all of it when there is no base) cut at
 * `tensors`; `totalFlops` is the sum of `costs.flops` in node order. The base head's layers all come before the added ones and only its cut tensor
 * can be read by them, so its run is the base's own up to freeing that tensor.
 */
export function describeHead(flow: Dataflow, costs: NodeCosts, nodes: Iterable<number>, tensors: readonly string[], totalFlops: number, base?: Base): CutPoint {
  // Bounds: a base's initRank holds every initializer a node reads (baseFigures ranks them all), and last is a node index when >= 0.
  const { graph, inference } = flow;
  const bytes = (t: string) => byteSize(inference.tensors.get(t));
  const order = (t: string) => graph.producer.get(t) ?? -1;
  const sorted = [...tensors].sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  const cut = new Set(sorted);
  let headFlops = base?.figures.flops ?? 0;
  let headLayers = base?.figures.layers ?? 0;
  let paramBytes = base?.figures.paramBytes ?? 0;
  let last = base ? base.cut.node : -1;
  const seen = new Set<string>();
  const lastUse = new Map<string, number>();
  const layers: number[] = [];
  for (const i of nodes) {
    headFlops += costs.flops[i] ?? 0;
    const node = graph.nodes[i] as { input: string[] };
    for (const t of node.input) {
      if (!t || seen.has(t) || !graph.initializers.has(t) || (base && base.initRank.get(t)! <= base.rank)) continue;
      seen.add(t);
      paramBytes += bytes(t);
    }
    if (inference.folded[i]) continue;
    headLayers++;
    last = Math.max(last, i);
    layers.push(i);
    for (const t of node.input) if (t && flow.dataTensors.has(t)) lastUse.set(t, i);
  }
  // Live bytes before the added layers run, and the peak so far. The base's cut tensor stays
  // live: it crosses this cut too, or an added layer reads it (every added layer's data comes
  // from it), so the base head runs exactly as it does alone.
  let live = base ? base.figures.liveEnd : 0;
  if (!base) for (const v of graph.inputs) if (lastUse.has(v.name) || cut.has(v.name)) live += bytes(v.name);
  let peak = base ? base.figures.peak : live;
  for (const i of layers) {
    const node = graph.nodes[i] as { input: string[]; output: string[] };
    for (const o of node.output) if (o) live += bytes(o);
    peak = Math.max(peak, live);
    for (const t of touched(node)) {
      if (flow.dataTensors.has(t) && !cut.has(t) && (lastUse.get(t) ?? i) <= i) live -= bytes(t);
    }
  }
  return {
    tensors: sorted,
    bytes: sorted.reduce((s, t) => s + bytes(t), 0),
    afterNode: last >= 0 ? graph.nodeNames[last]! : '(input)',
    headLayers,
    headFlops,
    tailFlops: totalFlops - headFlops,
    headParamBytes: paramBytes,
    headPeakActivationBytes: peak,
  };
}
