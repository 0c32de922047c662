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
  /** per node: the node itself and every node it depends on, through any edge */
  readonly ancestors: readonly BitSet[];
  /** tensors computed from the graph inputs: graph inputs and outputs of layer nodes */
  readonly dataTensors: ReadonlySet<string>;
  /** per tensor: the layer nodes that read it (folded readers, like Shape, do not count) */
  readonly layerConsumers: ReadonlyMap<string, readonly number[]>;
  readonly graphOutputs: ReadonlySet<string>;
}

export function dataflowOf(graph: Graph, inference: Inference): Dataflow {
  const n = graph.nodes.length;
  const ancestors: BitSet[] = [];
  graph.nodes.forEach((node, i) => {
    const set = new BitSet(n);
    set.add(i);
    for (const t of node.input) {
      const p = t ? graph.producer.get(t) : undefined;
      if (p !== undefined) set.union(ancestors[p] as BitSet);
    }
    ancestors.push(set);
  });
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
  return { graph, inference, ancestors, dataTensors, layerConsumers, graphOutputs: new Set(graph.outputs.map((o) => o.name)) };
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

/** The smallest head that computes `tensors`: their producers and everything those depend on. */
export function headFor(flow: Dataflow, tensors: readonly string[]): BitSet {
  const head = new BitSet(flow.graph.nodes.length);
  for (const t of tensors) {
    const p = flow.graph.producer.get(t);
    if (p !== undefined) head.union(flow.ancestors[p] as BitSet);
  }
  return head;
}
