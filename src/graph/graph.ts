import { BadModelError } from '../errors.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import { MinHeap } from './min-heap.js';

/**
 * A model's graph with the indexes every stage needs: nodes in topological order, who
 * produces and who consumes each tensor, initializers by name, declared types, opsets.
 * It references the decoded model; nothing is copied.
 */
export interface Graph {
  readonly model: ModelProto;
  readonly name: string;
  /** Nodes in topological order. */
  readonly nodes: readonly NodeProto[];
  /** Display name of each node (the node's own, or `<OpType>_<index>` when it has none). */
  readonly nodeNames: readonly string[];
  /** Graph inputs that are not initializers (old exporters list weights as inputs too). */
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
  readonly initializers: ReadonlyMap<string, TensorProto>;
  /** tensor name -> index (in `nodes`) of the node that produces it */
  readonly producer: ReadonlyMap<string, number>;
  /** tensor name -> indexes of the nodes that read it, in topological order */
  readonly consumers: ReadonlyMap<string, readonly number[]>;
  /** declared types from graph inputs, outputs and value_info */
  readonly declared: ReadonlyMap<string, ValueInfoProto>;
  /** opset version per domain ('' is the default ai.onnx domain) */
  readonly opsets: ReadonlyMap<string, number>;
}

/** The opset a domain binds to; '' (or absent, in models built in memory) is ai.onnx. */
export function opsetOf(graph: Graph, domain: string | undefined): number | undefined {
  return graph.opsets.get(normalDomain(domain));
}

function normalDomain(domain: string | undefined): string {
  return !domain || domain === 'ai.onnx' ? '' : domain;
}

/** Builds the indexed graph of a decoded model, checking that it is a well-formed DAG. */
export function graphFromModel(model: ModelProto): Graph {
  const g = model.graph;
  const initializers = new Map<string, TensorProto>();
  for (const t of g.initializer) initializers.set(t.name, t);
  const inputs = g.input.filter((v) => !initializers.has(v.name));
  const declared = new Map<string, ValueInfoProto>();
  for (const v of [...g.valueInfo, ...g.input, ...g.output]) declared.set(v.name, v);
  const opsets = new Map<string, number>();
  for (const o of model.opsetImport) opsets.set(normalDomain(o.domain), Number(o.version));

  const nodes = topologicalOrder(g.node, new Set([...inputs.map((v) => v.name), ...initializers.keys()]));
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const o of n.output) if (o) producer.set(o, i);
    for (const t of n.input) {
      if (!t) continue;
      let list = consumers.get(t);
      if (!list) consumers.set(t, (list = []));
      if (list[list.length - 1] !== i) list.push(i);
    }
  });
  for (const o of g.output) {
    if (!producer.has(o.name) && !initializers.has(o.name) && !inputs.some((v) => v.name === o.name)) {
      throw new BadModelError(`graph output "${o.name}" is produced by no node`);
    }
  }
  const nodeNames = nodes.map((n, i) => n.name || `${n.opType}_${i}`);
  return { model, name: g.name, nodes, nodeNames, inputs, outputs: g.output, initializers, producer, consumers, declared, opsets };
}

/** Kahn's algorithm, stable: among ready nodes, the one listed first in the file goes first. */
function topologicalOrder(nodes: readonly NodeProto[], available: ReadonlySet<string>): NodeProto[] {
  // Bounds: i, p and d are node indices, and waiting and dependents have one entry per node.
  const producedBy = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output) {
      if (!o) continue;
      if (producedBy.has(o) || available.has(o)) throw new BadModelError(`tensor "${o}" is produced twice (node "${n.name || n.opType}")`);
      producedBy.set(o, i);
    }
  });
  const waiting = new Array<number>(nodes.length).fill(0);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const t of new Set(n.input)) {
      if (!t || available.has(t)) continue;
      const p = producedBy.get(t);
      if (p === undefined) {
        throw new BadModelError(`node "${n.name || n.opType}" reads tensor "${t}", which is no graph input, initializer or node output`);
      }
      waiting[i]!++;
      dependents[p]!.push(i);
    }
  });
  // Ready nodes in a min-heap of file positions: a file may list thousands of nodes that are
  // ready at once (all its Constants first, say), and each pick stays O(log n).
  const ready = new MinHeap();
  waiting.forEach((w, i) => { if (w === 0) ready.push(i, i); });
  const order: NodeProto[] = [];
  for (let top = ready.pop(); top; top = ready.pop()) {
    const i = top[1];
    order.push(nodes[i]!);
    for (const d of dependents[i]!) if (--waiting[d]! === 0) ready.push(d, d);
  }
  if (order.length !== nodes.length) throw new BadModelError('the graph has a cycle: ONNX graphs must be acyclic');
  return order;
}
