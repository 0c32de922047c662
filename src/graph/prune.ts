/**
 * A model cut down to some of its tensors: the nodes those tensors depend on (a backward walk
 * over the producers), the initializers and graph inputs the kept nodes read, and the given
 * tensors as the graph outputs. A deployment uses it to drop the exits a plan leaves off and to
 * give a head the exits it runs.
 */
import { BadRequestError } from '../errors.js';
import { graphFromModel } from './graph.js';
import type { ModelProto, ValueInfoProto } from '../onnx/types.js';

/** `model` computing only `outputs` (declared as given, in that order). */
export function keepOutputs(model: ModelProto, outputs: readonly ValueInfoProto[]): ModelProto {
  // Bounds: the stack is popped only while not empty, and p is a producer from the graph.
  const graph = graphFromModel(model);
  const inputs = new Set(graph.inputs.map((v) => v.name));
  const keep = new Set<number>();
  const stack = outputs.map((o) => o.name);
  while (stack.length) {
    const t = stack.pop()!;
    const p = graph.producer.get(t);
    if (p === undefined) {
      if (!inputs.has(t) && !graph.initializers.has(t)) throw new BadRequestError(`the model computes no tensor "${t}"`);
      continue;
    }
    if (keep.has(p)) continue;
    keep.add(p);
    for (const i of graph.nodes[p]!.input) if (i) stack.push(i);
  }
  // Unnamed nodes keep the names the whole graph gave them, so node names match across models.
  const nodes = graph.nodes.flatMap((n, i) => (keep.has(i) ? [{ ...n, name: graph.nodeNames[i]! }] : []));
  const read = new Set([...nodes.flatMap((n) => n.input), ...outputs.map((o) => o.name)]);
  const known = new Set([...read, ...nodes.flatMap((n) => n.output)]);
  const outputNames = new Set(outputs.map((o) => o.name));
  return {
    ...model,
    graph: {
      ...model.graph,
      node: nodes,
      initializer: model.graph.initializer.filter((t) => read.has(t.name)),
      input: model.graph.input.filter((v) => read.has(v.name)),
      output: [...outputs],
      valueInfo: (model.graph.valueInfo ?? []).filter((v) => known.has(v.name) && !outputNames.has(v.name)),
    },
  };
}

/** The declared output `name` of `model`. */
export function declaredOutput(model: ModelProto, name: string): ValueInfoProto {
  const o = model.graph.output.find((v) => v.name === name);
  if (!o) throw new BadRequestError(`the model has no output "${name}" (outputs: ${model.graph.output.map((v) => v.name).join(', ')})`);
  return o;
}
