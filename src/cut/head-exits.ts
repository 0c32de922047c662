/**
 * Early exits on the head side of a cut. A model with exits (`cleave exits add`) lists them in
 * its metadata; an exit whose input the head computes belongs in the head: the edge runs it
 * before the upload (so a confident exit spares the upload) and its logits become extra head
 * outputs. Left to the smallest head that computes the cut tensors, the branch would fall in
 * the tail, which would then need the tensor the exit reads: the cut would not separate.
 */
import type { BitSet } from '../analysis/bitset.js';
import type { Graph } from '../graph/graph.js';
import type { ModelProto } from '../onnx/types.js';

/**
 * The metadata key listing a model's exits as JSON ({ output, at }[]). The exits layer writes it
 * (src/exits/insert.ts, EXITS_METADATA_KEY) and sits above cut in the layer order, so the key is
 * spelled here too; a test holds the two equal.
 */
export const EXITS_KEY = 'cleave.exits';

/** The exits a model's metadata lists ([] when none, or when the entry is not a list of { output, at }). */
function listedExits(model: ModelProto): { readonly output: string; readonly at: string }[] {
  const entry = model.metadataProps?.find((e) => e.key === EXITS_KEY);
  if (!entry) return [];
  let value: unknown;
  try {
    value = JSON.parse(entry.value);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is { output: string; at: string } => typeof e === 'object' && e !== null && typeof e.output === 'string' && typeof e.at === 'string');
}

/**
 * Grows `head` (in place) by the branches of the exits that read a tensor the head computes,
 * and by graph outputs computed by one node from an exit's logits (the softmax that
 * `applyTemperatures` can add). Returns the exit outputs that joined the head.
 */
export function addHeadExits(graph: Graph, head: BitSet): string[] {
  // Bounds: the stack is popped only while not empty, and it and p hold producers from the graph.
  const inputs = new Set(graph.inputs.map((v) => v.name));
  const inHead = (t: string): boolean => {
    const p = graph.producer.get(t);
    return p === undefined || head.has(p);
  };
  const joined: string[] = [];
  for (const exit of listedExits(graph.model)) {
    const out = graph.producer.get(exit.output);
    const reads = graph.producer.get(exit.at) !== undefined || inputs.has(exit.at);
    if (out === undefined || head.has(out) || !reads || !inHead(exit.at)) continue;
    // The branch: the output's producer and what it depends on, up to the head.
    const stack = [out];
    head.add(out);
    while (stack.length) {
      for (const t of graph.nodes[stack.pop()!]!.input) {
        const p = t ? graph.producer.get(t) : undefined;
        if (p !== undefined && !head.has(p)) {
          head.add(p);
          stack.push(p);
        }
      }
    }
    joined.push(exit.output);
  }
  const exitOutputs = new Set(joined);
  for (const o of graph.outputs) {
    const p = graph.producer.get(o.name);
    if (p === undefined || head.has(p)) continue;
    const node = graph.nodes[p]!;
    if (node.input.some((t) => exitOutputs.has(t)) && node.input.every((t) => !t || inHead(t))) head.add(p);
  }
  return joined;
}
