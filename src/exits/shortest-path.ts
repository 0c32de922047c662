import { MinHeap } from '../graph/min-heap.js';
import { InternalError } from '../errors.js';

/**
 * A directed graph with non-negative edge weights, vertices numbered 0..n-1, edges in flat
 * arrays (each vertex's out-edges a linked list through `next`, newest first): building one
 * allocates nothing per edge, which matters when the exit planner solves 10^5 small graphs.
 */
export class WeightedGraph {
  /** per vertex: its newest out-edge, -1 for none */
  readonly head: number[] = [];
  /** per edge: the vertex's next older out-edge, its target, its weight */
  readonly next: number[] = [];
  readonly target: number[] = [];
  readonly weight: number[] = [];

  get vertices(): number {
    return this.head.length;
  }

  addVertex(): number {
    this.head.push(-1);
    return this.head.length - 1;
  }

  addEdge(from: number, to: number, weight: number): void {
    this.next.push(this.head[from]!); // from is a vertex: head has one entry per vertex
    this.target.push(to);
    this.weight.push(weight);
    this.head[from] = this.target.length - 1;
  }

  /** The same graph with every edge reversed (distances to a vertex become distances from it). */
  reversed(): WeightedGraph {
    // Bounds: v < vertices and e is one of the graph's edges or -1, which ends the list; head, next, target and weight are sized by addVertex and addEdge.
    const r = new WeightedGraph();
    for (let v = 0; v < this.vertices; v++) r.addVertex();
    for (let v = 0; v < this.vertices; v++) {
      for (let e = this.head[v]!; e !== -1; e = this.next[e]!) r.addEdge(this.target[e]!, v, this.weight[e]!);
    }
    return r;
  }
}

/** Distances from the source (Infinity where unreachable) and the predecessor on a shortest path (-1 at the source). */
export interface ShortestPaths {
  readonly distance: Float64Array;
  readonly previous: Int32Array;
}

/**
 * Dijkstra's algorithm with a binary heap keyed by (distance, vertex): equal distances pop in
 * vertex order and a predecessor is replaced only by a strictly shorter path, so ties resolve
 * the same way on every run. Weights must be non-negative (checked: a negative one throws,
 * as the algorithm would silently give wrong paths).
 */
export function dijkstra(graph: WeightedGraph, source: number): ShortestPaths {
  // Bounds: vertices and edges are the graph's own (head, next, target and weight arrays sized by addVertex and addEdge), so v, w < n and e is an edge or -1, which ends the list.
  const n = graph.vertices;
  const distance = new Float64Array(n).fill(Infinity);
  const previous = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  const heap = new MinHeap();
  distance[source] = 0;
  heap.push(0, source);
  for (;;) {
    const top = heap.pop();
    if (top === undefined) break;
    const [d, v] = top;
    if (done[v] || d > distance[v]!) continue;
    done[v] = 1;
    for (let e = graph.head[v]!; e !== -1; e = graph.next[e]!) {
      const w = graph.target[e]!;
      const weight = graph.weight[e]!;
      if (!(weight >= 0)) throw new InternalError(`edge ${v} -> ${w} has weight ${weight}; Dijkstra needs non-negative weights`);
      const alt = d + weight;
      if (alt < distance[w]!) {
        distance[w] = alt;
        previous[w] = v;
        heap.push(alt, w);
      }
    }
  }
  return { distance, previous };
}

/** The vertices from the source to `target` along `previous` (empty when unreachable). */
export function pathTo(paths: ShortestPaths, target: number): number[] {
  if (paths.distance[target] === Infinity) return [];
  const path: number[] = [];
  for (let v = target; v !== -1; v = paths.previous[v]!) path.push(v); // each vertex on the path has a previous entry (-1 at the source)
  return path.reverse();
}
