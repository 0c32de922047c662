import type { Graph } from '../graph/graph.js';
import { BitSet } from './bitset.js';
import type { Inference } from './infer.js';

/**
 * Which nodes are layers (compute on data, not on constants), and which nodes each depends on.
 * Folded nodes (shape arithmetic, constants) are not layers and never bound a cut; both sides of
 * a cut get their own copy of what they need.
 */
export interface Dataflow {
  readonly graph: Graph;
  readonly inference: Inference;
  /** tensors computed from the graph inputs: graph inputs and outputs of layer nodes */
  readonly dataTensors: ReadonlySet<string>;
  /** per tensor: the layer nodes that read it (folded readers, like Shape, do not count) */
  readonly layerConsumers: ReadonlyMap<string, readonly number[]>;
  readonly graphOutputs: ReadonlySet<string>;
}

export function dataflowOf(graph: Graph, inference: Inference): Dataflow {
  const dataTensors = new Set<string>(graph.inputs.map((v) => v.name));
  const layerConsumers = new Map<string, number[]>();
  graph.nodes.forEach((node, i) => {
    if (inference.folded[i]) return;
    for (const o of node.output) if (o) dataTensors.add(o);
    for (const t of new Set(node.input)) {
      if (!t || inference.constant.has(t)) continue;
      const list = layerConsumers.get(t) ?? [];
      list.push(i);
      layerConsumers.set(t, list);
    }
  });
  return { graph, inference, dataTensors, layerConsumers, graphOutputs: new Set(graph.outputs.map((o) => o.name)) };
}

/**
 * Tensors that cross from a head (a set of nodes closed under dependence) to the rest: data
 * tensors available in the head (graph inputs, or produced there) that a tail layer reads.
 * A graph output produced in the head (an early exit) is answered by the head and does not
 * cross. Stops counting past `limit`.
 */
export function crossingTensors(flow: Dataflow, head: BitSet, limit = Infinity): string[] {
  const out: string[] = [];
  for (const t of flow.dataTensors) {
    const p = flow.graph.producer.get(t);
    const inHead = p === undefined || head.has(p);
    if (!inHead) continue;
    const readers = flow.layerConsumers.get(t) ?? [];
    if (readers.some((r) => !head.has(r))) {
      out.push(t);
      if (out.length > limit) break;
    }
  }
  return out;
}

/**
 * Nodes that `starts` depend on through any edge, themselves included, that `inside` admits
 * (all when it is omitted); the walk does not pass through a node `inside` refuses. Iterative,
 * so a graph's depth does not meet the call stack; linear in the nodes and edges it visits.
 */
export function ancestorNodes(graph: Graph, starts: Iterable<number>, inside: (node: number) => boolean = () => true): number[] {
  const seen = new Set<number>();
  const stack: number[] = [];
  for (const s of starts) if (!seen.has(s) && inside(s)) { seen.add(s); stack.push(s); }
  while (stack.length) {
    const i = stack.pop()!; // popped only while not empty
    for (const t of (graph.nodes[i] as { input: string[] }).input) {
      const p = t ? graph.producer.get(t) : undefined;
      if (p !== undefined && !seen.has(p) && inside(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return [...seen];
}

/** The smallest head that computes `tensors`: their producers and everything those depend on. */
export function headFor(flow: Dataflow, tensors: readonly string[]): BitSet {
  const head = new BitSet(flow.graph.nodes.length);
  const producers = tensors.map((t) => flow.graph.producer.get(t)).filter((p): p is number => p !== undefined);
  for (const i of ancestorNodes(flow.graph, producers)) head.add(i);
  return head;
}
